// https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface NodeConfig extends cdktf.TerraformMetaArguments {
  /**
  * Hardware type, e.g. ipmi or fake-hardware.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#driver Node#driver}
  */
  readonly driver: string;
  /**
  * What the driver needs to reach the hardware; checked against the schema its interfaces publish. Values are strings, converted to the driver schema's types. Secret fields (e.g. ipmi_password) go in driver_secrets_wo (or the deprecated driver_secrets).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#driver_info Node#driver_info}
  */
  readonly driverInfo?: { [key: string]: string };
  /**
  * Deprecated: use driver_secrets_wo, which keeps secrets out of the state. Secret driver_info fields (those the driver schemas mark writeOnly, e.g. ipmi_password). Sensitive: hidden in plans, but stored in clear text in the state file; ironplan never shows them back, so drift in them is not detected.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#driver_secrets Node#driver_secrets}
  */
  readonly driverSecrets?: { [key: string]: string };
  /**
  * Secret driver_info fields (those the driver schemas mark writeOnly, e.g. ipmi_password), write-only (terraform >= 1.11): sent to ironplan on create, and on update only when driver_secrets_wo_version changes; never stored in the state or shown in plans. Change driver_secrets_wo_version to rotate them.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#driver_secrets_wo Node#driver_secrets_wo}
  */
  readonly driverSecretsWo?: { [key: string]: string };
  /**
  * Any number; changing it sends driver_secrets_wo to ironplan again (terraform cannot see write-only values change). Bump it whenever the secrets change.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#driver_secrets_wo_version Node#driver_secrets_wo_version}
  */
  readonly driverSecretsWoVersion?: number;
  /**
  * Free-form data. Values are strings (numbers where the schema declares them are converted).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#extra Node#extra}
  */
  readonly extra?: { [key: string]: string };
  /**
  * Which implementation of each interface the node uses; unset ones take the hardware type's default.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#interfaces Node#interfaces}
  */
  readonly interfaces?: NodeInterfaces;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#maintenance Node#maintenance}
  */
  readonly maintenance?: boolean | cdktf.IResolvable;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#maintenance_reason Node#maintenance_reason}
  */
  readonly maintenanceReason?: string;
  /**
  * A logical name: letters, digits and . _ ~ - (as Ironic's node names); never a UUID.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#name Node#name}
  */
  readonly name: string;
  /**
  * The node's network ports, by MAC address.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#ports Node#ports}
  */
  readonly ports?: NodePorts[] | cdktf.IResolvable;
  /**
  * Desired power state; unset means ironplan leaves power alone.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#power_state Node#power_state}
  */
  readonly powerState?: string;
  /**
  * Hardware properties used for scheduling. Values are strings (numbers where the schema declares them are converted).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#properties Node#properties}
  */
  readonly properties?: { [key: string]: string };
  /**
  * Where the node should rest when no deployment holds it.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#provision_state Node#provision_state}
  */
  readonly provisionState?: string;
  /**
  * The class deployments select nodes by.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#resource_class Node#resource_class}
  */
  readonly resourceClass?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#traits Node#traits}
  */
  readonly traits?: string[];
  /**
  * timeouts block
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#timeouts Node#timeouts}
  */
  readonly timeouts?: NodeTimeouts;
}
export interface NodeInterfaces {
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#boot Node#boot}
  */
  readonly boot?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#deploy Node#deploy}
  */
  readonly deploy?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#inspect Node#inspect}
  */
  readonly inspect?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#management Node#management}
  */
  readonly management?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#power Node#power}
  */
  readonly power?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#vendor Node#vendor}
  */
  readonly vendor?: string;
}

export function nodeInterfacesToTerraform(struct?: NodeInterfaces | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    boot: cdktf.stringToTerraform(struct!.boot),
    deploy: cdktf.stringToTerraform(struct!.deploy),
    inspect: cdktf.stringToTerraform(struct!.inspect),
    management: cdktf.stringToTerraform(struct!.management),
    power: cdktf.stringToTerraform(struct!.power),
    vendor: cdktf.stringToTerraform(struct!.vendor),
  }
}


export function nodeInterfacesToHclTerraform(struct?: NodeInterfaces | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    boot: {
      value: cdktf.stringToHclTerraform(struct!.boot),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    deploy: {
      value: cdktf.stringToHclTerraform(struct!.deploy),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    inspect: {
      value: cdktf.stringToHclTerraform(struct!.inspect),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    management: {
      value: cdktf.stringToHclTerraform(struct!.management),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    power: {
      value: cdktf.stringToHclTerraform(struct!.power),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    vendor: {
      value: cdktf.stringToHclTerraform(struct!.vendor),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class NodeInterfacesOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): NodeInterfaces | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._boot !== undefined) {
      hasAnyValues = true;
      internalValueResult.boot = this._boot;
    }
    if (this._deploy !== undefined) {
      hasAnyValues = true;
      internalValueResult.deploy = this._deploy;
    }
    if (this._inspect !== undefined) {
      hasAnyValues = true;
      internalValueResult.inspect = this._inspect;
    }
    if (this._management !== undefined) {
      hasAnyValues = true;
      internalValueResult.management = this._management;
    }
    if (this._power !== undefined) {
      hasAnyValues = true;
      internalValueResult.power = this._power;
    }
    if (this._vendor !== undefined) {
      hasAnyValues = true;
      internalValueResult.vendor = this._vendor;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: NodeInterfaces | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._boot = undefined;
      this._deploy = undefined;
      this._inspect = undefined;
      this._management = undefined;
      this._power = undefined;
      this._vendor = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._boot = value.boot;
      this._deploy = value.deploy;
      this._inspect = value.inspect;
      this._management = value.management;
      this._power = value.power;
      this._vendor = value.vendor;
    }
  }

  // boot - computed: true, optional: true, required: false
  private _boot?: string; 
  public get boot() {
    return this.getStringAttribute('boot');
  }
  public set boot(value: string) {
    this._boot = value;
  }
  public resetBoot() {
    this._boot = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get bootInput() {
    return this._boot;
  }

  // deploy - computed: true, optional: true, required: false
  private _deploy?: string; 
  public get deploy() {
    return this.getStringAttribute('deploy');
  }
  public set deploy(value: string) {
    this._deploy = value;
  }
  public resetDeploy() {
    this._deploy = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get deployInput() {
    return this._deploy;
  }

  // inspect - computed: true, optional: true, required: false
  private _inspect?: string; 
  public get inspect() {
    return this.getStringAttribute('inspect');
  }
  public set inspect(value: string) {
    this._inspect = value;
  }
  public resetInspect() {
    this._inspect = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get inspectInput() {
    return this._inspect;
  }

  // management - computed: true, optional: true, required: false
  private _management?: string; 
  public get management() {
    return this.getStringAttribute('management');
  }
  public set management(value: string) {
    this._management = value;
  }
  public resetManagement() {
    this._management = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get managementInput() {
    return this._management;
  }

  // power - computed: true, optional: true, required: false
  private _power?: string; 
  public get power() {
    return this.getStringAttribute('power');
  }
  public set power(value: string) {
    this._power = value;
  }
  public resetPower() {
    this._power = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get powerInput() {
    return this._power;
  }

  // vendor - computed: true, optional: true, required: false
  private _vendor?: string; 
  public get vendor() {
    return this.getStringAttribute('vendor');
  }
  public set vendor(value: string) {
    this._vendor = value;
  }
  public resetVendor() {
    this._vendor = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get vendorInput() {
    return this._vendor;
  }
}
export interface NodePorts {
  /**
  * A MAC address, six colon-separated hex octets.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#address Node#address}
  */
  readonly address: string;
  /**
  * Free-form data kept with the port.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#extra Node#extra}
  */
  readonly extra?: { [key: string]: string };
  /**
  * Whether the node network-boots through this port.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#pxe_enabled Node#pxe_enabled}
  */
  readonly pxeEnabled?: boolean | cdktf.IResolvable;
}

export function nodePortsToTerraform(struct?: NodePorts | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    address: cdktf.stringToTerraform(struct!.address),
    extra: cdktf.hashMapper(cdktf.stringToTerraform)(struct!.extra),
    pxe_enabled: cdktf.booleanToTerraform(struct!.pxeEnabled),
  }
}


export function nodePortsToHclTerraform(struct?: NodePorts | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    address: {
      value: cdktf.stringToHclTerraform(struct!.address),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    extra: {
      value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(struct!.extra),
      isBlock: false,
      type: "map",
      storageClassType: "stringMap",
    },
    pxe_enabled: {
      value: cdktf.booleanToHclTerraform(struct!.pxeEnabled),
      isBlock: false,
      type: "simple",
      storageClassType: "boolean",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class NodePortsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): NodePorts | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._address !== undefined) {
      hasAnyValues = true;
      internalValueResult.address = this._address;
    }
    if (this._extra !== undefined) {
      hasAnyValues = true;
      internalValueResult.extra = this._extra;
    }
    if (this._pxeEnabled !== undefined) {
      hasAnyValues = true;
      internalValueResult.pxeEnabled = this._pxeEnabled;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: NodePorts | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._address = undefined;
      this._extra = undefined;
      this._pxeEnabled = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._address = value.address;
      this._extra = value.extra;
      this._pxeEnabled = value.pxeEnabled;
    }
  }

  // address - computed: false, optional: false, required: true
  private _address?: string; 
  public get address() {
    return this.getStringAttribute('address');
  }
  public set address(value: string) {
    this._address = value;
  }
  // Temporarily expose input value. Use with caution.
  public get addressInput() {
    return this._address;
  }

  // extra - computed: false, optional: true, required: false
  private _extra?: { [key: string]: string }; 
  public get extra() {
    return this.getStringMapAttribute('extra');
  }
  public set extra(value: { [key: string]: string }) {
    this._extra = value;
  }
  public resetExtra() {
    this._extra = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get extraInput() {
    return this._extra;
  }

  // pxe_enabled - computed: true, optional: true, required: false
  private _pxeEnabled?: boolean | cdktf.IResolvable; 
  public get pxeEnabled() {
    return this.getBooleanAttribute('pxe_enabled');
  }
  public set pxeEnabled(value: boolean | cdktf.IResolvable) {
    this._pxeEnabled = value;
  }
  public resetPxeEnabled() {
    this._pxeEnabled = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get pxeEnabledInput() {
    return this._pxeEnabled;
  }
}

export class NodePortsList extends cdktf.ComplexList {
  public internalValue? : NodePorts[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): NodePortsOutputReference {
    return new NodePortsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface NodeTimeouts {
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#create Node#create}
  */
  readonly create?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#delete Node#delete}
  */
  readonly delete?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#update Node#update}
  */
  readonly update?: string;
}

export function nodeTimeoutsToTerraform(struct?: NodeTimeouts | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    create: cdktf.stringToTerraform(struct!.create),
    delete: cdktf.stringToTerraform(struct!.delete),
    update: cdktf.stringToTerraform(struct!.update),
  }
}


export function nodeTimeoutsToHclTerraform(struct?: NodeTimeouts | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    create: {
      value: cdktf.stringToHclTerraform(struct!.create),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    delete: {
      value: cdktf.stringToHclTerraform(struct!.delete),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    update: {
      value: cdktf.stringToHclTerraform(struct!.update),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class NodeTimeoutsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): NodeTimeouts | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._create !== undefined) {
      hasAnyValues = true;
      internalValueResult.create = this._create;
    }
    if (this._delete !== undefined) {
      hasAnyValues = true;
      internalValueResult.delete = this._delete;
    }
    if (this._update !== undefined) {
      hasAnyValues = true;
      internalValueResult.update = this._update;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: NodeTimeouts | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._create = undefined;
      this._delete = undefined;
      this._update = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._create = value.create;
      this._delete = value.delete;
      this._update = value.update;
    }
  }

  // create - computed: false, optional: true, required: false
  private _create?: string; 
  public get create() {
    return this.getStringAttribute('create');
  }
  public set create(value: string) {
    this._create = value;
  }
  public resetCreate() {
    this._create = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get createInput() {
    return this._create;
  }

  // delete - computed: false, optional: true, required: false
  private _delete?: string; 
  public get delete() {
    return this.getStringAttribute('delete');
  }
  public set delete(value: string) {
    this._delete = value;
  }
  public resetDelete() {
    this._delete = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get deleteInput() {
    return this._delete;
  }

  // update - computed: false, optional: true, required: false
  private _update?: string; 
  public get update() {
    return this.getStringAttribute('update');
  }
  public set update(value: string) {
    this._update = value;
  }
  public resetUpdate() {
    this._update = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get updateInput() {
    return this._update;
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node ironplan_node}
*/
export class Node extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "ironplan_node";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Node resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Node to import
  * @param importFromId The id of the existing Node that should be imported. Refer to the {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Node to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "ironplan_node", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/node ironplan_node} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options NodeConfig
  */
  public constructor(scope: Construct, id: string, config: NodeConfig) {
    super(scope, id, {
      terraformResourceType: 'ironplan_node',
      terraformGeneratorMetadata: {
        providerName: 'ironplan',
        providerVersion: '0.1.0'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._driver = config.driver;
    this._driverInfo = config.driverInfo;
    this._driverSecrets = config.driverSecrets;
    this._driverSecretsWo = config.driverSecretsWo;
    this._driverSecretsWoVersion = config.driverSecretsWoVersion;
    this._extra = config.extra;
    this._interfaces.internalValue = config.interfaces;
    this._maintenance = config.maintenance;
    this._maintenanceReason = config.maintenanceReason;
    this._name = config.name;
    this._ports.internalValue = config.ports;
    this._powerState = config.powerState;
    this._properties = config.properties;
    this._provisionState = config.provisionState;
    this._resourceClass = config.resourceClass;
    this._traits = config.traits;
    this._timeouts.internalValue = config.timeouts;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // current_power_state - computed: true, optional: false, required: false
  public get currentPowerState() {
    return this.getStringAttribute('current_power_state');
  }

  // current_provision_state - computed: true, optional: false, required: false
  public get currentProvisionState() {
    return this.getStringAttribute('current_provision_state');
  }

  // driver - computed: false, optional: false, required: true
  private _driver?: string; 
  public get driver() {
    return this.getStringAttribute('driver');
  }
  public set driver(value: string) {
    this._driver = value;
  }
  // Temporarily expose input value. Use with caution.
  public get driverInput() {
    return this._driver;
  }

  // driver_info - computed: false, optional: true, required: false
  private _driverInfo?: { [key: string]: string }; 
  public get driverInfo() {
    return this.getStringMapAttribute('driver_info');
  }
  public set driverInfo(value: { [key: string]: string }) {
    this._driverInfo = value;
  }
  public resetDriverInfo() {
    this._driverInfo = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get driverInfoInput() {
    return this._driverInfo;
  }

  // driver_secrets - computed: false, optional: true, required: false
  private _driverSecrets?: { [key: string]: string }; 
  public get driverSecrets() {
    return this.getStringMapAttribute('driver_secrets');
  }
  public set driverSecrets(value: { [key: string]: string }) {
    this._driverSecrets = value;
  }
  public resetDriverSecrets() {
    this._driverSecrets = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get driverSecretsInput() {
    return this._driverSecrets;
  }

  // driver_secrets_wo - computed: false, optional: true, required: false
  private _driverSecretsWo?: { [key: string]: string }; 
  public get driverSecretsWo() {
    return this.getStringMapAttribute('driver_secrets_wo');
  }
  public set driverSecretsWo(value: { [key: string]: string }) {
    this._driverSecretsWo = value;
  }
  public resetDriverSecretsWo() {
    this._driverSecretsWo = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get driverSecretsWoInput() {
    return this._driverSecretsWo;
  }

  // driver_secrets_wo_version - computed: false, optional: true, required: false
  private _driverSecretsWoVersion?: number; 
  public get driverSecretsWoVersion() {
    return this.getNumberAttribute('driver_secrets_wo_version');
  }
  public set driverSecretsWoVersion(value: number) {
    this._driverSecretsWoVersion = value;
  }
  public resetDriverSecretsWoVersion() {
    this._driverSecretsWoVersion = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get driverSecretsWoVersionInput() {
    return this._driverSecretsWoVersion;
  }

  // extra - computed: false, optional: true, required: false
  private _extra?: { [key: string]: string }; 
  public get extra() {
    return this.getStringMapAttribute('extra');
  }
  public set extra(value: { [key: string]: string }) {
    this._extra = value;
  }
  public resetExtra() {
    this._extra = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get extraInput() {
    return this._extra;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // interfaces - computed: true, optional: true, required: false
  private _interfaces = new NodeInterfacesOutputReference(this, "interfaces");
  public get interfaces() {
    return this._interfaces;
  }
  public putInterfaces(value: NodeInterfaces) {
    this._interfaces.internalValue = value;
  }
  public resetInterfaces() {
    this._interfaces.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get interfacesInput() {
    return this._interfaces.internalValue;
  }

  // last_error - computed: true, optional: false, required: false
  public get lastError() {
    return this.getStringAttribute('last_error');
  }

  // maintenance - computed: true, optional: true, required: false
  private _maintenance?: boolean | cdktf.IResolvable; 
  public get maintenance() {
    return this.getBooleanAttribute('maintenance');
  }
  public set maintenance(value: boolean | cdktf.IResolvable) {
    this._maintenance = value;
  }
  public resetMaintenance() {
    this._maintenance = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get maintenanceInput() {
    return this._maintenance;
  }

  // maintenance_reason - computed: false, optional: true, required: false
  private _maintenanceReason?: string; 
  public get maintenanceReason() {
    return this.getStringAttribute('maintenance_reason');
  }
  public set maintenanceReason(value: string) {
    this._maintenanceReason = value;
  }
  public resetMaintenanceReason() {
    this._maintenanceReason = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get maintenanceReasonInput() {
    return this._maintenanceReason;
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // ports - computed: false, optional: true, required: false
  private _ports = new NodePortsList(this, "ports", false);
  public get ports() {
    return this._ports;
  }
  public putPorts(value: NodePorts[] | cdktf.IResolvable) {
    this._ports.internalValue = value;
  }
  public resetPorts() {
    this._ports.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get portsInput() {
    return this._ports.internalValue;
  }

  // power_state - computed: false, optional: true, required: false
  private _powerState?: string; 
  public get powerState() {
    return this.getStringAttribute('power_state');
  }
  public set powerState(value: string) {
    this._powerState = value;
  }
  public resetPowerState() {
    this._powerState = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get powerStateInput() {
    return this._powerState;
  }

  // properties - computed: false, optional: true, required: false
  private _properties?: { [key: string]: string }; 
  public get properties() {
    return this.getStringMapAttribute('properties');
  }
  public set properties(value: { [key: string]: string }) {
    this._properties = value;
  }
  public resetProperties() {
    this._properties = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get propertiesInput() {
    return this._properties;
  }

  // provision_state - computed: true, optional: true, required: false
  private _provisionState?: string; 
  public get provisionState() {
    return this.getStringAttribute('provision_state');
  }
  public set provisionState(value: string) {
    this._provisionState = value;
  }
  public resetProvisionState() {
    this._provisionState = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get provisionStateInput() {
    return this._provisionState;
  }

  // resource_class - computed: false, optional: true, required: false
  private _resourceClass?: string; 
  public get resourceClass() {
    return this.getStringAttribute('resource_class');
  }
  public set resourceClass(value: string) {
    this._resourceClass = value;
  }
  public resetResourceClass() {
    this._resourceClass = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get resourceClassInput() {
    return this._resourceClass;
  }

  // traits - computed: false, optional: true, required: false
  private _traits?: string[]; 
  public get traits() {
    return cdktf.Fn.tolist(this.getListAttribute('traits'));
  }
  public set traits(value: string[]) {
    this._traits = value;
  }
  public resetTraits() {
    this._traits = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get traitsInput() {
    return this._traits;
  }

  // timeouts - computed: false, optional: true, required: false
  private _timeouts = new NodeTimeoutsOutputReference(this, "timeouts");
  public get timeouts() {
    return this._timeouts;
  }
  public putTimeouts(value: NodeTimeouts) {
    this._timeouts.internalValue = value;
  }
  public resetTimeouts() {
    this._timeouts.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get timeoutsInput() {
    return this._timeouts.internalValue;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      driver: cdktf.stringToTerraform(this._driver),
      driver_info: cdktf.hashMapper(cdktf.stringToTerraform)(this._driverInfo),
      driver_secrets: cdktf.hashMapper(cdktf.stringToTerraform)(this._driverSecrets),
      driver_secrets_wo: cdktf.hashMapper(cdktf.stringToTerraform)(this._driverSecretsWo),
      driver_secrets_wo_version: cdktf.numberToTerraform(this._driverSecretsWoVersion),
      extra: cdktf.hashMapper(cdktf.stringToTerraform)(this._extra),
      interfaces: nodeInterfacesToTerraform(this._interfaces.internalValue),
      maintenance: cdktf.booleanToTerraform(this._maintenance),
      maintenance_reason: cdktf.stringToTerraform(this._maintenanceReason),
      name: cdktf.stringToTerraform(this._name),
      ports: cdktf.listMapper(nodePortsToTerraform, false)(this._ports.internalValue),
      power_state: cdktf.stringToTerraform(this._powerState),
      properties: cdktf.hashMapper(cdktf.stringToTerraform)(this._properties),
      provision_state: cdktf.stringToTerraform(this._provisionState),
      resource_class: cdktf.stringToTerraform(this._resourceClass),
      traits: cdktf.listMapper(cdktf.stringToTerraform, false)(this._traits),
      timeouts: nodeTimeoutsToTerraform(this._timeouts.internalValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      driver: {
        value: cdktf.stringToHclTerraform(this._driver),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      driver_info: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._driverInfo),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      driver_secrets: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._driverSecrets),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      driver_secrets_wo: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._driverSecretsWo),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      driver_secrets_wo_version: {
        value: cdktf.numberToHclTerraform(this._driverSecretsWoVersion),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      extra: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._extra),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      interfaces: {
        value: nodeInterfacesToHclTerraform(this._interfaces.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "NodeInterfaces",
      },
      maintenance: {
        value: cdktf.booleanToHclTerraform(this._maintenance),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      maintenance_reason: {
        value: cdktf.stringToHclTerraform(this._maintenanceReason),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      ports: {
        value: cdktf.listMapperHcl(nodePortsToHclTerraform, false)(this._ports.internalValue),
        isBlock: true,
        type: "list",
        storageClassType: "NodePortsList",
      },
      power_state: {
        value: cdktf.stringToHclTerraform(this._powerState),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      properties: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._properties),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      provision_state: {
        value: cdktf.stringToHclTerraform(this._provisionState),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      resource_class: {
        value: cdktf.stringToHclTerraform(this._resourceClass),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      traits: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._traits),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      timeouts: {
        value: nodeTimeoutsToHclTerraform(this._timeouts.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "NodeTimeouts",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
