import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { Construct } from 'constructs';
import { assumeRolePolicy, type PolicyStatement, policyDocument } from '../iam';

/** Props of `serviceRole`. */
export interface ServiceRoleProps {
  /** The role's name. */
  readonly name: string;
  readonly description: string;
  /** The service that assumes the role, e.g. `lambda.amazonaws.com`. */
  readonly servicePrincipal: string;
  /** The account the service must act for (confused-deputy protection). */
  readonly accountId: string;
  /** The name of the role's one inline policy. */
  readonly policyName: string;
  /** What the role may do: every action spelled out (see policyDocument). */
  readonly statements: readonly PolicyStatement[];
}

/**
 * An IAM role an AWS service assumes, with its one inline policy: resources `<id>-role` and
 * `<id>-policy` under `scope`. Returns the role.
 */
export function serviceRole(scope: Construct, id: string, props: ServiceRoleProps): IamRole {
  const role = new IamRole(scope, `${id}-role`, {
    name: props.name,
    description: props.description,
    assumeRolePolicy: assumeRolePolicy(props.servicePrincipal, props.accountId),
  });
  new IamRolePolicy(scope, `${id}-policy`, {
    name: props.policyName,
    role: role.id,
    policy: policyDocument(props.statements),
  });
  return role;
}
