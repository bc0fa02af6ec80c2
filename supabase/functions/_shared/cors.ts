// CORS for the functions the PWA calls with a signed-in user's JWT. Any origin may ask: the JWT
// is the credential (no cookies), and the function checks what its owner may do.
export const appCorsHeaders: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'authorization, x-client-info, apikey, content-type',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Max-Age': '600',
}
