/** Whether the browser believes it is online; the shell shows an indicator when it is not. */
export class NetworkState {
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

  constructor(target: Pick<Window, 'addEventListener'> = window) {
    target.addEventListener('online', () => (this.online = true));
    target.addEventListener('offline', () => (this.online = false));
  }
}
