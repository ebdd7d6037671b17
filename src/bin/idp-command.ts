/**
 * `p2pstack idp`: the identity provider of the services node — a Keystone v3 (users, projects,
 * roles, application credentials) whose tokens are ES256 JWTs, with an OpenID Connect
 * discovery document and JWKS at its issuer `<public URL>/identity` — on one port, until Ctrl-C.
 */
import { resolve } from 'node:path'
import { Command, Option } from 'commander'
import { nonNegativeInt, port, positiveInt } from './options.ts'
import { untilSignal } from './signals.ts'

interface IdpOptions {
  host: string
  port: number
  state?: string
  publicUrl?: string
  region: string
  adminUser: string
  adminPassword: string
  adminProject: string
  demo: boolean
  demoPassword: string
  tokenTtl: number
  keyRotationPeriod: number
  lockoutFailureAttempts: number
  lockoutDuration: number
  writeCloudsYaml?: string
  cloudName: string
  logLevel: string
}

export function idpCommand (): Command {
  return new Command('idp')
    .description('Run the identity provider: Keystone v3 issuing ES256 JWTs, with OIDC discovery and JWKS at <public-url>/identity, OS-REVOKE events and key rotation.')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', port, 5000)
    .option('--state <file>', 'keep users, projects, keys and revocations in this SQLite file (survives a restart)')
    .option('--public-url <url>', 'base URL clients and agents reach the provider at; the issuer is <url>/identity (default: the listening URL)')
    .option('--region <region>', 'the region of the catalog', 'RegionOne')
    .option('--admin-user <name>', 'name of the admin user (made on first start)', 'admin')
    .option('--admin-password <password>', 'password of the admin user (set on first start)', 'secret')
    .option('--admin-project <name>', 'name of the admin project (made on first start)', 'admin')
    .option('--demo', 'also make a member user "demo" in project "demo", as devstack does')
    .option('--demo-password <password>', 'password of the demo user', 'demo')
    .option('--token-ttl <seconds>', 'token lifetime (Keystone [token] expiration)', positiveInt, 3600)
    .option('--key-rotation-period <seconds>', 'make a new signing key when the current one is this old (0: only through the API)', nonNegativeInt, 86_400)
    .option('--lockout-failure-attempts <n>', 'lock a user after this many wrong passwords in a row (0: never)', nonNegativeInt, 5)
    .option('--lockout-duration <seconds>', 'how long a locked user stays locked (0: until an admin re-enables them)', nonNegativeInt, 1800)
    .option('--write-clouds-yaml <path>', 'write a clouds.yaml entry for the admin to <path>')
    .option('--cloud-name <name>', 'the name of the clouds.yaml entry', 'idp')
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .action(async (options: IdpOptions) => {
      // Loaded only when the command runs, so that `p2pstack <other command>` starts fast.
      const { startIdpProcess } = await import('../agent/idp-process.ts')
      const { writeCloudsYaml } = await import('../agent/clouds-yaml.ts')
      const { createLogger } = await import('../runtime/logger.ts')
      const logger = createLogger({ level: options.logLevel, name: 'idp' })
      const running = await startIdpProcess({
        host: options.host,
        port: options.port,
        publicUrl: options.publicUrl ?? null,
        stateFile: options.state === undefined ? null : resolve(options.state),
        logger,
        settings: {
          region: options.region,
          tokenTtlMs: options.tokenTtl * 1000,
          keyRotationPeriodMs: options.keyRotationPeriod === 0 ? null : options.keyRotationPeriod * 1000,
          lockout: {
            failureAttempts: options.lockoutFailureAttempts === 0 ? null : options.lockoutFailureAttempts,
            durationMs: options.lockoutDuration === 0 ? null : options.lockoutDuration * 1000
          },
          bootstrap: {
            adminUser: options.adminUser,
            adminPassword: options.adminPassword,
            adminProject: options.adminProject,
            region: options.region,
            demo: options.demo === true ? { user: 'demo', password: options.demoPassword, project: 'demo' } : null
          }
        }
      })
      const issuer = running.idp.issuer
      if (options.publicUrl === undefined && ['0.0.0.0', '::', '[::]'].includes(options.host)) {
        process.stderr.write(`p2pstack idp: warning: the issuer is ${issuer}, which no one else can reach; give --public-url\n`)
      }
      if (options.writeCloudsYaml !== undefined) {
        writeCloudsYaml(resolve(options.writeCloudsYaml), {
          [options.cloudName]: { authUrl: issuer, username: options.adminUser, password: options.adminPassword, projectName: options.adminProject, region: options.region }
        })
      }
      process.stdout.write([
        `p2pstack identity provider listening on ${running.url}`,
        '',
        `Issuer:    ${issuer}`,
        `Discovery: ${issuer}/.well-known/openid-configuration`,
        `JWKS:      ${issuer}/.well-known/jwks.json`,
        '',
        'Manage users and projects with:',
        `  export OS_AUTH_URL=${issuer}`,
        `  export OS_USERNAME=${options.adminUser}`,
        `  export OS_PASSWORD=${options.adminPassword}`,
        `  export OS_PROJECT_NAME=${options.adminProject}`,
        '  export OS_USER_DOMAIN_NAME=Default',
        '  export OS_PROJECT_DOMAIN_NAME=Default',
        `  export OS_REGION_NAME=${options.region}`,
        '  export OS_IDENTITY_API_VERSION=3',
        ...(options.writeCloudsYaml !== undefined ? ['', `or: export OS_CLOUD=${options.cloudName}   (clouds.yaml written to ${resolve(options.writeCloudsYaml)})`] : []),
        '',
        'Rotate the signing key: POST <issuer>/v3/OS-P2PSTACK/signing-keys with an admin token.',
        `State: ${options.state === undefined ? 'in memory (lost on exit)' : resolve(options.state)}. Ctrl-C stops it.`,
        ''
      ].join('\n'))
      await untilSignal()
      await running.stop()
    })
}
