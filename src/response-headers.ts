// Headers of every API answer: JSON holding session ids and messages is never sniffed, cached,
// framed or sent on as a referrer. The web client's pages replace the policy with their own.
export const API_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};
