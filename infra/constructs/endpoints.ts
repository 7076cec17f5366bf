import { DataAwsRouteTable } from '@cdktf/provider-aws/lib/data-aws-route-table';
import { DataAwsVpcEndpoint } from '@cdktf/provider-aws/lib/data-aws-vpc-endpoint';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import type { VpcEndpointsMode } from '../config';

/** The interface endpoints a Fargate task needs to start (pull its image, ship its logs): short service names. */
export const INTERFACE_ENDPOINT_SERVICES = ['ecr.api', 'ecr.dkr', 'logs'] as const;
/** The gateway endpoint: S3 (the job's data, and ECR's image layers). */
export const GATEWAY_ENDPOINT_SERVICE = 's3';

/** `com.amazonaws.<region>.<service>` */
export function endpointServiceName(region: string, service: string): string {
  return `com.amazonaws.${region}.${service}`;
}

/** Properties of {@link JobVpcEndpoints}. */
export interface JobVpcEndpointsProps {
  /** `create` builds the endpoints; `existing` requires (looks up) the VPC's own. */
  readonly mode: Exclude<VpcEndpointsMode, 'none'>;
  /** Prefix of the security group name. */
  readonly namePrefix: string;
  readonly region: string;
  readonly vpcId: string;
  /** Subnets of the interface endpoints: at most one per Availability Zone. */
  readonly subnetIds: readonly string[];
  /** Subnets of the tasks: their route tables get the S3 gateway route (create mode). */
  readonly taskSubnetIds: readonly string[];
  /** Route tables for the S3 gateway endpoint. @default the route table of each task subnet (looked up) */
  readonly routeTableIds?: readonly string[];
  /** Security groups of the tasks: allowed to reach the interface endpoints on 443. */
  readonly taskSecurityGroupIds: readonly string[];
}

/**
 * What a task in a private subnet without a NAT gateway needs: an S3 gateway endpoint on the task
 * subnets' route tables, and interface endpoints (private DNS) for ECR API, ECR Docker and
 * CloudWatch Logs with a security group accepting HTTPS from the tasks' groups. In `existing` mode
 * nothing is created: the VPC's endpoints for those four services are looked up, so `plan` fails
 * before anything is deployed when one is missing.
 */
export class JobVpcEndpoints extends Construct {
  /** The S3 gateway endpoint (create mode). */
  readonly s3Gateway?: VpcEndpoint;
  /** Interface endpoints by short service name (create mode). */
  readonly interfaceEndpoints: Readonly<Record<string, VpcEndpoint>> = {};
  /** Security group of the interface endpoints (create mode). */
  readonly endpointSecurityGroup?: SecurityGroup;
  /** Route tables looked up for the gateway endpoint (create mode without routeTableIds). */
  readonly routeTables: readonly DataAwsRouteTable[] = [];
  /** The existing endpoints, by short service name (existing mode). */
  readonly existingEndpoints: Readonly<Record<string, DataAwsVpcEndpoint>> = {};

  constructor(scope: Construct, id: string, props: JobVpcEndpointsProps) {
    super(scope, id);
    if (props.subnetIds.length === 0) throw new Error('JobVpcEndpoints: subnetIds is empty');
    if (props.taskSecurityGroupIds.length === 0) throw new Error('JobVpcEndpoints: taskSecurityGroupIds is empty');
    const services = [GATEWAY_ENDPOINT_SERVICE, ...INTERFACE_ENDPOINT_SERVICES];

    if (props.mode === 'existing') {
      const existing: Record<string, DataAwsVpcEndpoint> = {};
      for (const service of services) {
        existing[service] = new DataAwsVpcEndpoint(this, `existing-${service.replace('.', '-')}`, {
          vpcId: props.vpcId,
          serviceName: endpointServiceName(props.region, service),
          state: 'available',
        });
      }
      this.existingEndpoints = existing;
      return;
    }

    let routeTableIds: string[];
    if (props.routeTableIds !== undefined) {
      routeTableIds = [...props.routeTableIds];
    } else {
      this.routeTables = props.taskSubnetIds.map(
        (subnetId, index) => new DataAwsRouteTable(this, `route-table-${index}`, { subnetId }),
      );
      // A set in Terraform: subnets sharing a route table yield it once.
      routeTableIds = this.routeTables.map((table) => table.id);
    }
    this.s3Gateway = new VpcEndpoint(this, 's3', {
      vpcId: props.vpcId,
      serviceName: endpointServiceName(props.region, GATEWAY_ENDPOINT_SERVICE),
      vpcEndpointType: 'Gateway',
      routeTableIds,
      tags: { Name: `${props.namePrefix}-s3` },
    });

    this.endpointSecurityGroup = new SecurityGroup(this, 'security-group', {
      name: `${props.namePrefix}-endpoints`,
      description: 'VPC interface endpoints of the CDR summary job: HTTPS from its tasks',
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
    });
    props.taskSecurityGroupIds.forEach((groupId, index) => {
      new VpcSecurityGroupIngressRule(this, `https-from-tasks-${index}`, {
        securityGroupId: (this.endpointSecurityGroup as SecurityGroup).id,
        description: 'HTTPS from the CDR summary tasks',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        referencedSecurityGroupId: groupId,
      });
    });
    const endpoints: Record<string, VpcEndpoint> = {};
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      endpoints[service] = new VpcEndpoint(this, service.replace('.', '-'), {
        vpcId: props.vpcId,
        serviceName: endpointServiceName(props.region, service),
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: [...props.subnetIds],
        securityGroupIds: [this.endpointSecurityGroup.id],
        tags: { Name: `${props.namePrefix}-${service}` },
      });
    }
    this.interfaceEndpoints = endpoints;
  }
}
