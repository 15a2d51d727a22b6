/** How the template screens say who published which version of a template, and when. */
import type { Publication } from '../workflows/template-store';

/** "Version 2, published by Adam Admin on 5 Dec 2026, 08:00." */
export function describePublication(p: Publication): string {
  const at = new Date(p.publishedAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return `Version ${p.version}, published by ${p.publishedBy.name || 'an administrator'} on ${at}.`;
}
