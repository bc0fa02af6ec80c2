import type { Handler } from '../request.ts'

/** GET /health, as GoTrue answers it. */
export const health: Handler = async () => ({
  status: 200,
  body: { version: 'pronto-local', name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' },
})

/** GET /settings: which sign-in methods are on. Only email (and anonymous, if configured) exist here. */
export const settingsInfo: Handler = async ({ settings }) => {
  const oauthProviders = ['apple', 'azure', 'bitbucket', 'discord', 'facebook', 'snapchat', 'figma', 'fly', 'github',
    'gitlab', 'google', 'keycloak', 'kakao', 'linkedin', 'linkedin_oidc', 'notion', 'spotify', 'slack', 'slack_oidc',
    'workos', 'twitch', 'twitter', 'zoom']
  return {
    status: 200,
    body: {
      external: {
        anonymous_users: settings.anonymousSignIns,
        ...Object.fromEntries(oauthProviders.map(provider => [provider, false])),
        email: true,
        phone: false,
      },
      disable_signup: !settings.signupEnabled,
      mailer_autoconfirm: settings.mailerAutoconfirm,
      phone_autoconfirm: false,
      sms_provider: '',
      saml_enabled: false,
      saml_private_key_next_configured: false,
      passkeys_enabled: false,
    },
  }
}

/** GET /.well-known/jwks.json: tokens are signed with the shared HS256 secret, so there is no public key to list. */
export const jwks: Handler = async () => ({ status: 200, body: { keys: [] } })
