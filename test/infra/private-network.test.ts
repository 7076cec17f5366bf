import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../infra/config';
import { BASE_ENV, type Block, ref, resourcesOf, str, synthesize } from './synth';

const PRIVATE = {
  ...BASE_ENV,
  VPC_ID: 'vpc-0abc',
  SUBNET_IDS: 'subnet-0a,subnet-0b',
  ASSIGN_PUBLIC_IP: 'DISABLED',
};

function byService(blocks: Readonly<Record<string, Block>>): Record<string, Block> {
  const out: Record<string, Block> = {};
  for (const block of Object.values(blocks)) out[str(block, 'service_name')] = block;
  return out;
}

describe('infra: private subnets (VPC_ENDPOINTS)', () => {
  it('creates nothing by default (public IPs or the user’s own NAT)', () => {
    const s = synthesize(PRIVATE);
    expect(resourcesOf(s.json, 'aws_vpc_endpoint')).to.deep.equal({});
    expect(s.json.data?.aws_vpc_endpoint).to.equal(undefined);
  });

  it('create: an S3 gateway on the task subnets’ route tables and ECR API, ECR Docker, Logs interface endpoints', () => {
    const s = synthesize({ ...PRIVATE, VPC_ENDPOINTS: 'create' });
    const endpoints = byService(resourcesOf(s.json, 'aws_vpc_endpoint'));
    expect(Object.keys(endpoints).sort()).to.deep.equal([
      'com.amazonaws.eu-west-1.ecr.api',
      'com.amazonaws.eu-west-1.ecr.dkr',
      'com.amazonaws.eu-west-1.logs',
      'com.amazonaws.eu-west-1.s3',
    ]);
    const gateway = endpoints['com.amazonaws.eu-west-1.s3'] as Block;
    expect(gateway).to.deep.include({ vpc_endpoint_type: 'Gateway', vpc_id: 'vpc-0abc' });
    const tables = Object.entries(s.json.data?.aws_route_table ?? {});
    expect(tables.map(([, t]) => t.subnet_id).sort()).to.deep.equal(['subnet-0a', 'subnet-0b']);
    expect(gateway.route_table_ids).to.deep.equal(tables.map(([id]) => `\${data.aws_route_table.${id}.id}`));

    const groupIds = Object.keys(resourcesOf(s.json, 'aws_security_group'));
    const endpointGroup = groupIds.find((id) => id.startsWith('endpoints_')) as string;
    const taskGroup = groupIds.find((id) => id.startsWith('network_')) as string;
    for (const service of ['ecr.api', 'ecr.dkr', 'logs']) {
      expect(endpoints[`com.amazonaws.eu-west-1.${service}`]).to.deep.include({
        vpc_endpoint_type: 'Interface',
        private_dns_enabled: true,
        subnet_ids: ['subnet-0a', 'subnet-0b'],
        security_group_ids: [ref(s.json, 'aws_security_group', 'id', endpointGroup)],
      });
    }
    const ingress = Object.values(resourcesOf(s.json, 'aws_vpc_security_group_ingress_rule'));
    expect(ingress).to.have.length(1);
    expect(ingress[0]).to.deep.include({
      security_group_id: ref(s.json, 'aws_security_group', 'id', endpointGroup),
      referenced_security_group_id: ref(s.json, 'aws_security_group', 'id', taskGroup),
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
    });
  });

  it('create: given route tables and endpoint subnets (one per AZ), and the user’s own task security groups', () => {
    const s = synthesize({
      ...PRIVATE,
      VPC_ENDPOINTS: 'create',
      ROUTE_TABLE_IDS: 'rtb-01',
      VPC_ENDPOINT_SUBNET_IDS: 'subnet-0c',
      SECURITY_GROUP_IDS: 'sg-01,sg-02',
    });
    const endpoints = byService(resourcesOf(s.json, 'aws_vpc_endpoint'));
    expect(endpoints['com.amazonaws.eu-west-1.s3']?.route_table_ids).to.deep.equal(['rtb-01']);
    expect(s.json.data?.aws_route_table).to.equal(undefined);
    expect(endpoints['com.amazonaws.eu-west-1.logs']?.subnet_ids).to.deep.equal(['subnet-0c']);
    const ingress = Object.values(resourcesOf(s.json, 'aws_vpc_security_group_ingress_rule'));
    expect(ingress.map((r) => r.referenced_security_group_id).sort()).to.deep.equal(['sg-01', 'sg-02']);
  });

  it('existing: creates no endpoint and requires the VPC’s own four (plan fails when one is missing)', () => {
    const s = synthesize({ ...PRIVATE, VPC_ENDPOINTS: 'existing' });
    expect(resourcesOf(s.json, 'aws_vpc_endpoint')).to.deep.equal({});
    const lookups = Object.values(s.json.data?.aws_vpc_endpoint ?? {});
    expect(lookups.map((l) => l.service_name).sort()).to.deep.equal([
      'com.amazonaws.eu-west-1.ecr.api',
      'com.amazonaws.eu-west-1.ecr.dkr',
      'com.amazonaws.eu-west-1.logs',
      'com.amazonaws.eu-west-1.s3',
    ]);
    for (const lookup of lookups) expect(lookup).to.deep.include({ vpc_id: 'vpc-0abc', state: 'available' });
  });

  it('refuses endpoints without a custom VPC, and endpoint options without create, one line each', () => {
    expect(() => loadConfig({ ...BASE_ENV, VPC_ENDPOINTS: 'create' })).to.throw(
      ConfigError,
      /VPC_ENDPOINTS: create needs VPC_ID/,
    );
    expect(() => loadConfig({ ...PRIVATE, VPC_ENDPOINTS: 'sometimes' })).to.throw(ConfigError, /VPC_ENDPOINTS/);
    expect(() => loadConfig({ ...PRIVATE, ROUTE_TABLE_IDS: 'rtb-01' })).to.throw(
      ConfigError,
      /only with VPC_ENDPOINTS=create/,
    );
    expect(() => loadConfig({ ...PRIVATE, VPC_ENDPOINTS: 'create', ROUTE_TABLE_IDS: 'table-1' })).to.throw(
      ConfigError,
      /ROUTE_TABLE_IDS: not route table IDs/,
    );
  });
});
