// The dependency rule between src folders (docs/ARCHITECTURE.md): arrows mean "may import".
// core imports nothing of ours; protocol knows nothing of HTTP or OpenStack; proxy never
// reaches into protocol; idp (the identity provider) builds on the emulator's Keystone;
// imagestore (the image store of the services node) sees only core and openstack; only
// agent and bin use runtime; sim never does real I/O; nothing in src imports test code; no cycles.
const folder = name => `^src/${name}/`

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    { name: 'src-does-not-import-tests', severity: 'error', from: { path: '^src/', pathNot: '\\.test\\.ts$' }, to: { path: '^(test|bench)/' } },
    { name: 'pure-layers-use-no-node-builtins', severity: 'error', from: { path: '^src/(core|protocol|openstack|proxy|emulator|idp|imagestore|sim)/', pathNot: '\\.test\\.ts$' }, to: { dependencyTypes: ['core'] } },
    { name: 'core-imports-nothing-of-ours', severity: 'error', from: { path: folder('core'), pathNot: '\\.test\\.ts$' }, to: { path: '^src/(?!core/)' } },
    { name: 'protocol-sees-core-only', severity: 'error', from: { path: folder('protocol'), pathNot: '\\.test\\.ts$' }, to: { path: '^src/(?!(core|protocol)/)' } },
    { name: 'openstack-sees-core-only', severity: 'error', from: { path: folder('openstack'), pathNot: '\\.test\\.ts$' }, to: { path: '^src/(?!(core|openstack)/)' } },
    { name: 'proxy-sees-openstack-and-core', severity: 'error', from: { path: folder('proxy'), pathNot: '\\.test\\.ts$' }, to: { path: '^src/(?!(core|openstack|proxy)/)' } },
    { name: 'emulator-sees-openstack-and-core', severity: 'error', from: { path: folder('emulator'), pathNot: '\\.test\\.ts$' }, to: { path: '^src/(?!(core|openstack|emulator)/)' } },
    { name: 'idp-sees-emulator-openstack-and-core', severity: 'error', from: { path: folder('idp'), pathNot: '\\.test\\.ts$' }, to: { path: '^src/(?!(core|openstack|emulator|idp)/)' } },
    { name: 'imagestore-sees-openstack-and-core', severity: 'error', from: { path: folder('imagestore'), pathNot: '\\.test\\.ts$' }, to: { path: '^src/(?!(core|openstack|imagestore)/)' } },
    { name: 'sim-does-no-real-io', severity: 'error', from: { path: folder('sim'), pathNot: '\\.test\\.ts$' }, to: { path: '^src/(runtime|agent|bin)/' } },
    { name: 'runtime-sees-core-only', severity: 'error', from: { path: folder('runtime'), pathNot: '\\.test\\.ts$' }, to: { path: '^src/(?!(core|runtime)/)' } },
    { name: 'agent-does-not-use-bin-or-sim', severity: 'error', from: { path: folder('agent'), pathNot: '\\.test\\.ts$' }, to: { path: '^src/(bin|sim)/' } }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] }
  }
}
