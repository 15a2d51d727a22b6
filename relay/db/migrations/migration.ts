/** One numbered step. Its statements run in order inside the start-up transaction. */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}
