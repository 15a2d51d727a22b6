/** The SMTP catcher: a loopback SMTP server with an inbox page, for the demo and tests. */
export { startSmtpCatcher, type SmtpCatcher, type SmtpCatcherOptions } from './smtp-catcher';
export { createInboxApp } from './inbox';
export { formatAddress, type CaughtMessage, type MailAddress } from './caught-message';
