// https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/nodes
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataIronplanNodesConfig extends cdktf.TerraformMetaArguments {
  /**
  * true: only nodes a deployment holds; false: only free ones.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/nodes#associated DataIronplanNodes#associated}
  */
  readonly associated?: boolean | cdktf.IResolvable;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/nodes#driver DataIronplanNodes#driver}
  */
  readonly driver?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/nodes#maintenance DataIronplanNodes#maintenance}
  */
  readonly maintenance?: boolean | cdktf.IResolvable;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/nodes#provision_state DataIronplanNodes#provision_state}
  */
  readonly provisionState?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/nodes#resource_class DataIronplanNodes#resource_class}
  */
  readonly resourceClass?: string;
  /**
  * Only nodes having every one of these traits.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/nodes#traits DataIronplanNodes#traits}
  */
  readonly traits?: string[];
}
export interface DataIronplanNodesNodes {
}

export function dataIronplanNodesNodesToTerraform(struct?: DataIronplanNodesNodes): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataIronplanNodesNodesToHclTerraform(struct?: DataIronplanNodesNodes): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataIronplanNodesNodesOutputReference extends cdktf.ComplexObject {
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

  public get internalValue(): DataIronplanNodesNodes | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataIronplanNodesNodes | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // instance_uuid - computed: true, optional: false, required: false
  public get instanceUuid() {
    return this.getStringAttribute('instance_uuid');
  }

  // maintenance - computed: true, optional: false, required: false
  public get maintenance() {
    return this.getBooleanAttribute('maintenance');
  }

  // name - computed: true, optional: false, required: false
  public get name() {
    return this.getStringAttribute('name');
  }

  // power_state - computed: true, optional: false, required: false
  public get powerState() {
    return this.getStringAttribute('power_state');
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
}

export class DataIronplanNodesNodesList extends cdktf.ComplexList {

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
  public get(index: number): DataIronplanNodesNodesOutputReference {
    return new DataIronplanNodesNodesOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/nodes ironplan_nodes}
*/
export class DataIronplanNodes extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "ironplan_nodes";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataIronplanNodes resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataIronplanNodes to import
  * @param importFromId The id of the existing DataIronplanNodes that should be imported. Refer to the {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/nodes#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataIronplanNodes to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "ironplan_nodes", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/data-sources/nodes ironplan_nodes} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataIronplanNodesConfig = {}
  */
  public constructor(scope: Construct, id: string, config: DataIronplanNodesConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'ironplan_nodes',
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
    this._associated = config.associated;
    this._driver = config.driver;
    this._maintenance = config.maintenance;
    this._provisionState = config.provisionState;
    this._resourceClass = config.resourceClass;
    this._traits = config.traits;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // associated - computed: false, optional: true, required: false
  private _associated?: boolean | cdktf.IResolvable; 
  public get associated() {
    return this.getBooleanAttribute('associated');
  }
  public set associated(value: boolean | cdktf.IResolvable) {
    this._associated = value;
  }
  public resetAssociated() {
    this._associated = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get associatedInput() {
    return this._associated;
  }

  // driver - computed: false, optional: true, required: false
  private _driver?: string; 
  public get driver() {
    return this.getStringAttribute('driver');
  }
  public set driver(value: string) {
    this._driver = value;
  }
  public resetDriver() {
    this._driver = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get driverInput() {
    return this._driver;
  }

  // ids - computed: true, optional: false, required: false
  public get ids() {
    return this.getListAttribute('ids');
  }

  // maintenance - computed: false, optional: true, required: false
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

  // nodes - computed: true, optional: false, required: false
  private _nodes = new DataIronplanNodesNodesList(this, "nodes", false);
  public get nodes() {
    return this._nodes;
  }

  // provision_state - computed: false, optional: true, required: false
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

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      associated: cdktf.booleanToTerraform(this._associated),
      driver: cdktf.stringToTerraform(this._driver),
      maintenance: cdktf.booleanToTerraform(this._maintenance),
      provision_state: cdktf.stringToTerraform(this._provisionState),
      resource_class: cdktf.stringToTerraform(this._resourceClass),
      traits: cdktf.listMapper(cdktf.stringToTerraform, false)(this._traits),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      associated: {
        value: cdktf.booleanToHclTerraform(this._associated),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      driver: {
        value: cdktf.stringToHclTerraform(this._driver),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      maintenance: {
        value: cdktf.booleanToHclTerraform(this._maintenance),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
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
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
