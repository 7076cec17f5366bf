import type * as LibPhoneNumber from 'google-libphonenumber';

let loaded: typeof LibPhoneNumber | undefined;

/**
 * Google's libphonenumber, loaded on first use: it costs a process (and every worker thread) ~10 MiB
 * and ~18 ms to load, and only rating calls without a usage type (Business Calling) needs it.
 */
export function libphonenumber(): typeof LibPhoneNumber {
  loaded ??= require('google-libphonenumber') as typeof LibPhoneNumber;
  return loaded;
}
