// https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface AllocationConfig extends cdktf.TerraformMetaArguments {
  /**
  * Node UUIDs or names the pick is limited to.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#candidate_nodes Allocation#candidate_nodes}
  */
  readonly candidateNodes?: string[];
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#extra Allocation#extra}
  */
  readonly extra?: { [key: string]: string };
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#name Allocation#name}
  */
  readonly name?: string;
  /**
  * Backfill (API 1.58): the deployed node (UUID or name) the allocation records.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#node Allocation#node}
  */
  readonly nodeAttribute?: string;
  /**
  * API 1.60.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#owner Allocation#owner}
  */
  readonly owner?: string;
  /**
  * Required unless backfilling (then the node's).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#resource_class Allocation#resource_class}
  */
  readonly resourceClass?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#traits Allocation#traits}
  */
  readonly traits?: string[];
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#uuid Allocation#uuid}
  */
  readonly uuid?: string;
  /**
  * timeouts block
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#timeouts Allocation#timeouts}
  */
  readonly timeouts?: AllocationTimeouts;
}
export interface AllocationTimeouts {
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#create Allocation#create}
  */
  readonly create?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#delete Allocation#delete}
  */
  readonly delete?: string;
  /**
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#update Allocation#update}
  */
  readonly update?: string;
}

export function allocationTimeoutsToTerraform(struct?: AllocationTimeouts | cdktf.IResolvable): any {
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


export function allocationTimeoutsToHclTerraform(struct?: AllocationTimeouts | cdktf.IResolvable): any {
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

export class AllocationTimeoutsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): AllocationTimeouts | cdktf.IResolvable | undefined {
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

  public set internalValue(value: AllocationTimeouts | cdktf.IResolvable | undefined) {
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
* Represents a {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation ironplan_allocation}
*/
export class Allocation extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "ironplan_allocation";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Allocation resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Allocation to import
  * @param importFromId The id of the existing Allocation that should be imported. Refer to the {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Allocation to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "ironplan_allocation", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/allocation ironplan_allocation} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options AllocationConfig = {}
  */
  public constructor(scope: Construct, id: string, config: AllocationConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'ironplan_allocation',
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
    this._candidateNodes = config.candidateNodes;
    this._extra = config.extra;
    this._name = config.name;
    this._node = config.nodeAttribute;
    this._owner = config.owner;
    this._resourceClass = config.resourceClass;
    this._traits = config.traits;
    this._uuid = config.uuid;
    this._timeouts.internalValue = config.timeouts;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // candidate_nodes - computed: false, optional: true, required: false
  private _candidateNodes?: string[]; 
  public get candidateNodes() {
    return this.getListAttribute('candidate_nodes');
  }
  public set candidateNodes(value: string[]) {
    this._candidateNodes = value;
  }
  public resetCandidateNodes() {
    this._candidateNodes = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get candidateNodesInput() {
    return this._candidateNodes;
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

  // last_error - computed: true, optional: false, required: false
  public get lastError() {
    return this.getStringAttribute('last_error');
  }

  // name - computed: false, optional: true, required: false
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

  // node - computed: false, optional: true, required: false
  private _node?: string; 
  public get nodeAttribute() {
    return this.getStringAttribute('node');
  }
  public set nodeAttribute(value: string) {
    this._node = value;
  }
  public resetNodeAttribute() {
    this._node = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get nodeAttributeInput() {
    return this._node;
  }

  // node_id - computed: true, optional: false, required: false
  public get nodeId() {
    return this.getStringAttribute('node_id');
  }

  // owner - computed: false, optional: true, required: false
  private _owner?: string; 
  public get owner() {
    return this.getStringAttribute('owner');
  }
  public set owner(value: string) {
    this._owner = value;
  }
  public resetOwner() {
    this._owner = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get ownerInput() {
    return this._owner;
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

  // state - computed: true, optional: false, required: false
  public get state() {
    return this.getStringAttribute('state');
  }

  // traits - computed: false, optional: true, required: false
  private _traits?: string[]; 
  public get traits() {
    return this.getListAttribute('traits');
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

  // uuid - computed: true, optional: true, required: false
  private _uuid?: string; 
  public get uuid() {
    return this.getStringAttribute('uuid');
  }
  public set uuid(value: string) {
    this._uuid = value;
  }
  public resetUuid() {
    this._uuid = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get uuidInput() {
    return this._uuid;
  }

  // timeouts - computed: false, optional: true, required: false
  private _timeouts = new AllocationTimeoutsOutputReference(this, "timeouts");
  public get timeouts() {
    return this._timeouts;
  }
  public putTimeouts(value: AllocationTimeouts) {
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
      candidate_nodes: cdktf.listMapper(cdktf.stringToTerraform, false)(this._candidateNodes),
      extra: cdktf.hashMapper(cdktf.stringToTerraform)(this._extra),
      name: cdktf.stringToTerraform(this._name),
      node: cdktf.stringToTerraform(this._node),
      owner: cdktf.stringToTerraform(this._owner),
      resource_class: cdktf.stringToTerraform(this._resourceClass),
      traits: cdktf.listMapper(cdktf.stringToTerraform, false)(this._traits),
      uuid: cdktf.stringToTerraform(this._uuid),
      timeouts: allocationTimeoutsToTerraform(this._timeouts.internalValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      candidate_nodes: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._candidateNodes),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      extra: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._extra),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      node: {
        value: cdktf.stringToHclTerraform(this._node),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      owner: {
        value: cdktf.stringToHclTerraform(this._owner),
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
        type: "list",
        storageClassType: "stringList",
      },
      uuid: {
        value: cdktf.stringToHclTerraform(this._uuid),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      timeouts: {
        value: allocationTimeoutsToHclTerraform(this._timeouts.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "AllocationTimeouts",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
