// https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/node
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktn';

// Configuration

export interface DataIronplanNodeConfig extends cdktf.TerraformMetaArguments {
  /**
  * The node UUID.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/node#id DataIronplanNode#id}
  *
  * Please be aware that the id field is automatically added to all resources in Terraform providers using a Terraform provider SDK version below 2.
  * If you experience problems setting this value it might not be settable. Please take a look at the provider documentation to ensure it should be settable.
  */
  readonly id?: string;
  /**
  * A logical name: letters, digits and . _ ~ - (as Ironic's node names); never a UUID.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/node#name DataIronplanNode#name}
  */
  readonly name?: string;
}
export interface DataIronplanNodeInterfaces {
}

export function dataIronplanNodeInterfacesToTerraform(struct?: DataIronplanNodeInterfaces): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataIronplanNodeInterfacesToHclTerraform(struct?: DataIronplanNodeInterfaces): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataIronplanNodeInterfacesOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): DataIronplanNodeInterfaces | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataIronplanNodeInterfaces | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // boot - computed: true, optional: false, required: false
  public get boot() {
    return this.getStringAttribute('boot');
  }

  // deploy - computed: true, optional: false, required: false
  public get deploy() {
    return this.getStringAttribute('deploy');
  }

  // inspect - computed: true, optional: false, required: false
  public get inspect() {
    return this.getStringAttribute('inspect');
  }

  // management - computed: true, optional: false, required: false
  public get management() {
    return this.getStringAttribute('management');
  }

  // power - computed: true, optional: false, required: false
  public get power() {
    return this.getStringAttribute('power');
  }

  // vendor - computed: true, optional: false, required: false
  public get vendor() {
    return this.getStringAttribute('vendor');
  }
}
export interface DataIronplanNodePorts {
}

export function dataIronplanNodePortsToTerraform(struct?: DataIronplanNodePorts): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataIronplanNodePortsToHclTerraform(struct?: DataIronplanNodePorts): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataIronplanNodePortsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): DataIronplanNodePorts | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataIronplanNodePorts | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // address - computed: true, optional: false, required: false
  public get address() {
    return this.getStringAttribute('address');
  }

  // extra - computed: true, optional: false, required: false
  private _extra = new cdktf.StringMap(this, "extra");
  public get extra() {
    return this._extra;
  }

  // pxe_enabled - computed: true, optional: false, required: false
  public get pxeEnabled() {
    return this.getBooleanAttribute('pxe_enabled');
  }
}

export class DataIronplanNodePortsList extends cdktf.ComplexList {

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
  public get(index: number): DataIronplanNodePortsOutputReference {
    return new DataIronplanNodePortsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/node ironplan_node}
*/
export class DataIronplanNode extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "ironplan_node";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataIronplanNode resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataIronplanNode to import
  * @param importFromId The id of the existing DataIronplanNode that should be imported. Refer to the {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/node#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataIronplanNode to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "ironplan_node", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/node ironplan_node} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataIronplanNodeConfig = {}
  */
  public constructor(scope: Construct, id: string, config: DataIronplanNodeConfig = {}) {
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
    this._id = config.id;
    this._name = config.name;
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

  // driver - computed: true, optional: false, required: false
  public get driver() {
    return this.getStringAttribute('driver');
  }

  // driver_info - computed: true, optional: false, required: false
  private _driverInfo = new cdktf.StringMap(this, "driver_info");
  public get driverInfo() {
    return this._driverInfo;
  }

  // extra - computed: true, optional: false, required: false
  private _extra = new cdktf.StringMap(this, "extra");
  public get extra() {
    return this._extra;
  }

  // id - computed: true, optional: true, required: false
  private _id?: string; 
  public get id() {
    return this.getStringAttribute('id');
  }
  public set id(value: string) {
    this._id = value;
  }
  public resetId() {
    this._id = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get idInput() {
    return this._id;
  }

  // interfaces - computed: true, optional: false, required: false
  private _interfaces = new DataIronplanNodeInterfacesOutputReference(this, "interfaces");
  public get interfaces() {
    return this._interfaces;
  }

  // last_error - computed: true, optional: false, required: false
  public get lastError() {
    return this.getStringAttribute('last_error');
  }

  // maintenance - computed: true, optional: false, required: false
  public get maintenance() {
    return this.getBooleanAttribute('maintenance');
  }

  // maintenance_reason - computed: true, optional: false, required: false
  public get maintenanceReason() {
    return this.getStringAttribute('maintenance_reason');
  }

  // name - computed: true, optional: true, required: false
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  public resetName() {
    this._name = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // ports - computed: true, optional: false, required: false
  private _ports = new DataIronplanNodePortsList(this, "ports", false);
  public get ports() {
    return this._ports;
  }

  // power_state - computed: true, optional: false, required: false
  public get powerState() {
    return this.getStringAttribute('power_state');
  }

  // properties - computed: true, optional: false, required: false
  private _properties = new cdktf.StringMap(this, "properties");
  public get properties() {
    return this._properties;
  }

  // provision_state - computed: true, optional: false, required: false
  public get provisionState() {
    return this.getStringAttribute('provision_state');
  }

  // resource_class - computed: true, optional: false, required: false
  public get resourceClass() {
    return this.getStringAttribute('resource_class');
  }

  // traits - computed: true, optional: false, required: false
  public get traits() {
    return cdktf.Fn.tolist(this.getListAttribute('traits'));
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      id: cdktf.stringToTerraform(this._id),
      name: cdktf.stringToTerraform(this._name),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      id: {
        value: cdktf.stringToHclTerraform(this._id),
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
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
