import { DataAwsSubnets } from '@cdktf/provider-aws/lib/data-aws-subnets';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { Construct } from 'constructs';

/** Properties of {@link JobNetwork}. */
export interface JobNetworkProps {
  /** Prefix of the security group name. */
  readonly namePrefix: string;
  /** VPC of the tasks. @default the account's default VPC (looked up) */
  readonly vpcId?: string;
  /** Subnets of the tasks; required with `vpcId`. @default the default VPC's default subnets */
  readonly subnetIds?: readonly string[];
  /** Security groups of the tasks. @default one created here: no ingress, HTTPS egress only */
  readonly securityGroupIds?: readonly string[];
}

/**
 * Where the Fargate tasks run: the given VPC and subnets, or the default VPC and its default
 * subnets; and a security group with no ingress and egress on TCP 443 only (S3, ECR, CloudWatch
 * Logs and the other AWS APIs are all HTTPS; DNS goes to the VPC resolver, which groups don't filter).
 */
export class JobNetwork extends Construct {
  /** VPC ID (a token when looked up). */
  readonly vpcId: string;
  /** Subnet IDs for the compute environments. */
  readonly subnetIds: string[];
  /** Security group IDs for the compute environments. */
  readonly securityGroupIds: string[];
  /** The default VPC lookup, when no VPC was given. */
  readonly defaultVpc?: DataAwsVpc;
  /** The default subnets lookup, when no subnets were given. */
  readonly defaultSubnets?: DataAwsSubnets;
  /** The security group created, when none was given. */
  readonly securityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: JobNetworkProps) {
    super(scope, id);
    if ((props.vpcId === undefined) !== (props.subnetIds === undefined)) {
      throw new Error('JobNetwork: give both vpcId and subnetIds, or neither (default VPC)');
    }
    if (props.subnetIds !== undefined && props.subnetIds.length === 0) {
      throw new Error('JobNetwork: subnetIds is empty');
    }

    if (props.vpcId !== undefined && props.subnetIds !== undefined) {
      this.vpcId = props.vpcId;
      this.subnetIds = [...props.subnetIds];
    } else {
      this.defaultVpc = new DataAwsVpc(this, 'default-vpc', { default: true });
      this.defaultSubnets = new DataAwsSubnets(this, 'default-subnets', {
        filter: [
          { name: 'vpc-id', values: [this.defaultVpc.id] },
          { name: 'default-for-az', values: ['true'] },
        ],
      });
      this.vpcId = this.defaultVpc.id;
      this.subnetIds = this.defaultSubnets.ids;
    }

    if (props.securityGroupIds !== undefined) {
      if (props.securityGroupIds.length === 0) throw new Error('JobNetwork: securityGroupIds is empty');
      this.securityGroupIds = [...props.securityGroupIds];
    } else {
      this.securityGroup = new SecurityGroup(this, 'security-group', {
        name: `${props.namePrefix}-job`,
        description: 'CDR summary Batch job: no ingress, HTTPS egress to AWS APIs',
        vpcId: this.vpcId,
        revokeRulesOnDelete: true,
      });
      new VpcSecurityGroupEgressRule(this, 'https-egress', {
        securityGroupId: this.securityGroup.id,
        description: 'HTTPS to S3, ECR, CloudWatch Logs',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: '0.0.0.0/0',
      });
      this.securityGroupIds = [this.securityGroup.id];
    }
  }
}
