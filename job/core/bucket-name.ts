/**
 * The S3 general-purpose bucket naming rules, in the one place the CLI, the scheduler and the CDKTF
 * app check them: 3 to 63 characters of lower-case letters, digits, dots and hyphens, starting and
 * ending with a letter or digit, no two adjacent dots, not shaped like an IPv4 address.
 */
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

/** Whether `name` is a valid S3 bucket name. */
export function isBucketName(name: string): boolean {
  return BUCKET_PATTERN.test(name) && !name.includes('..') && !IPV4.test(name);
}
