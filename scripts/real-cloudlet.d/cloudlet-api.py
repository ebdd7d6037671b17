#!/usr/bin/python3
"""cloudlet-api: the REST steps of `scripts/real-cloudlet start`, in one short-lived process each.

  catalog           register nova, placement, glance and neutron (service users + endpoints)
  wait-schedulable  wait until a server can be scheduled (compute up, resource provider with
                    inventory, compute host mapped to cell1)
  seed              a flavor pair, a small public image, a shared network + subnet
  describe          write the cloudlet's JSON description (auth URL, credentials, endpoints, PIDs)

Why REST and not the openstack CLI: each CLI call costs a second or two of Python start-up on
these cores. Only the standard library is used. Settings come from the environment (CL_*).
"""
import datetime
import glob
import json
import os
import sqlite3
import sys
import time
import urllib.error
import urllib.request

ENV = os.environ
HOST = '127.0.0.1'


def port(name):
    return int(ENV['PORT_' + name])


ENDPOINTS = {
    'identity': 'http://%s:%d/v3' % (HOST, port('KEYSTONE')),
    'compute': 'http://%s:%d/v2.1' % (HOST, port('NOVA')),
    'placement': 'http://%s:%d' % (HOST, port('PLACEMENT')),
    'image': 'http://%s:%d' % (HOST, port('GLANCE')),
    'network': 'http://%s:%d' % (HOST, port('NEUTRON')),
}
SERVICES = [  # (user, service name, type, description)
    ('nova', 'nova', 'compute', 'OpenStack Compute'),
    ('placement', 'placement', 'placement', 'Placement API'),
    ('glance', 'glance', 'image', 'OpenStack Image'),
    ('neutron', 'neutron', 'network', 'OpenStack Networking'),
]


class HttpError(Exception):
    def __init__(self, status, body, method, url):
        super().__init__('%s %s -> %d %s' % (method, url, status, body[:300]))
        self.status = status


def request(method, url, token=None, body=None, headers=None, raw=None, timeout=60):
    data = None
    all_headers = {'Accept': 'application/json'}
    if body is not None:
        data = json.dumps(body).encode()
        all_headers['Content-Type'] = 'application/json'
    if raw is not None:
        data = raw
        all_headers['Content-Type'] = 'application/octet-stream'
    if token:
        all_headers['X-Auth-Token'] = token
    all_headers.update(headers or {})
    req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read().decode()
            parsed = json.loads(text) if text.strip().startswith(('{', '[')) else None
            return resp.status, parsed, resp.headers
    except urllib.error.HTTPError as error:
        raise HttpError(error.code, error.read().decode(errors='replace'), method, url) from None


def admin_token():
    body = {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'admin', 'domain': {'name': 'Default'}, 'password': ENV['ADMIN_PASSWORD']}}},
        'scope': {'project': {'name': 'admin', 'domain': {'name': 'Default'}}}}}
    _, _, headers = request('POST', ENDPOINTS['identity'] + '/auth/tokens', body=body)
    return headers['X-Subject-Token']


def find_or_create(token, collection, key, name, create_body, query=''):
    url = ENDPOINTS['identity'] + '/' + collection
    _, found, _ = request('GET', url + '?name=' + name + query, token)
    if found[collection]:
        return found[collection][0]['id']
    _, made, _ = request('POST', url, token, {key: create_body})
    return made[key]['id']


def catalog():
    token = admin_token()
    ident = ENDPOINTS['identity']
    project = find_or_create(token, 'projects', 'project', 'service',
                             {'name': 'service', 'domain_id': 'default',
                              'description': 'Service users of this cloudlet'})
    roles = {}
    for role in ('admin', 'service'):
        roles[role] = find_or_create(token, 'roles', 'role', role, {'name': role})
    for user, name, kind, description in SERVICES:
        user_id = find_or_create(token, 'users', 'user', user,
                                 {'name': user, 'domain_id': 'default',
                                  'password': ENV['SERVICE_PASSWORD']}, '&domain_id=default')
        for role_id in roles.values():
            request('PUT', '%s/projects/%s/users/%s/roles/%s' % (ident, project, user_id, role_id), token)
        service_id = find_or_create(token, 'services', 'service', name,
                                    {'name': name, 'type': kind, 'description': description,
                                     'enabled': True})
        _, existing, _ = request('GET', ident + '/endpoints?service_id=' + service_id, token)
        have = {e['interface'] for e in existing['endpoints']}
        for interface in ('public', 'internal', 'admin'):
            if interface not in have:
                request('POST', ident + '/endpoints', token, {'endpoint': {
                    'service_id': service_id, 'interface': interface, 'region_id': 'RegionOne',
                    'url': ENDPOINTS[kind], 'enabled': True}})


def schedulable_state(token):
    """What is still missing before a server can be scheduled (empty list when ready)."""
    missing = []
    host = ENV['CL_NAME']
    try:
        _, services, _ = request('GET', ENDPOINTS['compute'] + '/os-services', token, timeout=20)
        up = {s['binary'] for s in services['services'] if s['state'] == 'up' and s['host'] == host}
        for binary in ('nova-conductor', 'nova-scheduler', 'nova-compute'):
            if binary not in up:
                missing.append(binary + ' up')
    except (HttpError, OSError) as error:
        missing.append('nova-api (%s)' % error)
    placement_headers = {'OpenStack-API-Version': 'placement 1.39'}
    try:
        _, rps, _ = request('GET', ENDPOINTS['placement'] + '/resource_providers?name=' + host,
                            token, headers=placement_headers, timeout=20)
        if not rps['resource_providers']:
            missing.append('resource provider ' + host)
        else:
            uuid = rps['resource_providers'][0]['uuid']
            _, inv, _ = request('GET', '%s/resource_providers/%s/inventories' % (ENDPOINTS['placement'], uuid),
                                token, headers=placement_headers, timeout=20)
            if 'VCPU' not in inv['inventories']:
                missing.append('VCPU inventory')
    except (HttpError, OSError) as error:
        missing.append('placement (%s)' % error)
    try:
        db = sqlite3.connect('file:%s/nova_api.sqlite?mode=ro' % ENV['CL_DATA'], uri=True, timeout=5)
        try:
            mapped = db.execute('SELECT 1 FROM host_mappings WHERE host = ?', (host,)).fetchone()
        finally:
            db.close()
        if not mapped:
            missing.append('host mapping for ' + host)
    except sqlite3.Error as error:
        missing.append('host mapping (%s)' % error)
    return missing


def wait_schedulable(limit):
    deadline = time.monotonic() + limit
    token = None
    missing = ['keystone token']
    while time.monotonic() < deadline:
        try:
            if token is None:
                token = admin_token()
            missing = schedulable_state(token)
            if not missing:
                return 0
        except (HttpError, OSError) as error:
            token = None
            missing = ['keystone (%s)' % error]
        time.sleep(2)
    sys.stderr.write('not schedulable after %ds; missing: %s\n' % (limit, ', '.join(missing)))
    return 1


def seed():
    token = admin_token()
    compute, image, network = ENDPOINTS['compute'], ENDPOINTS['image'], ENDPOINTS['network']
    for flavor_id, name, ram, disk in (('1', 'm1.tiny', 512, 1), ('2', 'm1.small', 2048, 20)):
        try:
            request('POST', compute + '/flavors', token, {'flavor': {
                'id': flavor_id, 'name': name, 'ram': ram, 'vcpus': 1, 'disk': disk,
                'os-flavor-access:is_public': True}})
        except HttpError as error:
            if error.status != 409:
                raise
    _, made, _ = request('POST', image + '/v2/images', token, {
        'name': 'cirros-fake', 'disk_format': 'raw', 'container_format': 'bare',
        'visibility': 'public', 'min_disk': 0, 'min_ram': 0})
    image_id = made['id']
    request('PUT', '%s/v2/images/%s/file' % (image, image_id), token, raw=b'\0' * (1024 * 1024))
    for _ in range(60):
        _, current, _ = request('GET', '%s/v2/images/%s' % (image, image_id), token)
        if current['status'] == 'active':
            break
        time.sleep(1)
    else:
        raise RuntimeError('image %s did not become active' % image_id)
    _, net, _ = request('POST', network + '/v2.0/networks', token, {'network': {
        'name': 'private', 'shared': True, 'admin_state_up': True}})
    _, sub, _ = request('POST', network + '/v2.0/subnets', token, {'subnet': {
        'name': 'private-subnet', 'network_id': net['network']['id'], 'ip_version': 4,
        'cidr': '10.0.0.0/24', 'enable_dhcp': True}})
    seeded = {'flavors': ['m1.tiny', 'm1.small'], 'flavor': 'm1.tiny',
              'image': {'name': 'cirros-fake', 'id': image_id},
              'network': {'name': 'private', 'id': net['network']['id']},
              'subnet': {'name': 'private-subnet', 'id': sub['subnet']['id'], 'cidr': '10.0.0.0/24'}}
    with open(os.path.join(ENV['CL_DIR'], 'seed.json'), 'w') as f:
        json.dump(seeded, f, indent=2)


def describe():
    cl_dir = ENV['CL_DIR']
    pids = {}
    for path in sorted(glob.glob(os.path.join(ENV['CL_RUN'], '*.pid'))):
        with open(path) as f:
            pids[os.path.basename(path)[:-4]] = int(f.read().strip())
    seeded = {}
    if os.path.exists(os.path.join(cl_dir, 'seed.json')):
        with open(os.path.join(cl_dir, 'seed.json')) as f:
            seeded = json.load(f)
    description = {
        'index': int(ENV['CL_N']),
        'name': ENV['CL_NAME'],
        'region': 'RegionOne',
        'auth_url': ENDPOINTS['identity'],
        'admin': {'username': 'admin', 'password': ENV['ADMIN_PASSWORD'], 'project_name': 'admin',
                  'user_domain_name': 'Default', 'project_domain_name': 'Default'},
        'endpoints': ENDPOINTS,
        'ports': {'keystone': port('KEYSTONE'), 'nova': port('NOVA'), 'placement': port('PLACEMENT'),
                  'glance': port('GLANCE'), 'neutron': port('NEUTRON'),
                  'rabbitmq': int(ENV['RABBIT_PORT'])},
        'rabbitmq': {'transport_url': ENV['CL_TRANSPORT_URL'], 'vhost': ENV['CL_VHOST']},
        'compute_host': ENV['CL_NAME'],
        'pids': pids,
        'seed': seeded,
        'federation': {'auth_methods': ['password', 'token', 'openid', 'mapped', 'application_credential'],
                       'protocol_method': 'openid', 'remote_id_attribute': 'HTTP_OIDC_ISS',
                       'claim_header_prefix': 'OIDC-Claim-'},
        'paths': {'dir': cl_dir, 'etc': ENV['CL_ETC'], 'data': ENV['CL_DATA'], 'logs': ENV['CL_LOG'],
                  'run': ENV['CL_RUN'], 'clouds_yaml': os.path.join(cl_dir, 'clouds.yaml'),
                  'openrc': os.path.join(cl_dir, 'openrc')},
        'clouds_yaml_cloud': ENV['CL_NAME'],
        'started_at': ENV.get('CL_STARTED_AT'),
        'ready_at': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
        'start_seconds': int(ENV.get('CL_START_SECONDS', '0')),
        'reused': ENV.get('CL_REUSE') == '1',
    }
    tmp = ENV['CL_JSON'] + '.tmp'
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w') as f:
        json.dump(description, f, indent=2)
        f.write('\n')
    os.replace(tmp, ENV['CL_JSON'])


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    command = argv[1]
    if command == 'catalog':
        catalog()
    elif command == 'wait-schedulable':
        return wait_schedulable(int(argv[2]) if len(argv) > 2 else 300)
    elif command == 'seed':
        seed()
    elif command == 'describe':
        describe()
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
