// https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/port
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface PortConfig extends cdktf.TerraformMetaArguments {
  /**
  * A MAC address, six colon-separated hex octets.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/port#address Port#address}
  */
  readonly address: string;
  /**
  * Free-form data kept with the port.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/port#extra Port#extra}
  */
  readonly extra?: { [key: string]: string };
  /**
  * The node the port belongs to.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/port#node_uuid Port#node_uuid}
  */
  readonly nodeUuid: string;
  /**
  * Whether the node network-boots through this port.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/port#pxe_enabled Port#pxe_enabled}
  */
  readonly pxeEnabled?: boolean | cdktf.IResolvable;
}

/**
* Represents a {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/port ironplan_port}
*/
export class Port extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "ironplan_port";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Port resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Port to import
  * @param importFromId The id of the existing Port that should be imported. Refer to the {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/port#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Port to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "ironplan_port", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs/resources/port ironplan_port} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options PortConfig
  */
  public constructor(scope: Construct, id: string, config: PortConfig) {
    super(scope, id, {
      terraformResourceType: 'ironplan_port',
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
    this._address = config.address;
    this._extra = config.extra;
    this._nodeUuid = config.nodeUuid;
    this._pxeEnabled = config.pxeEnabled;
  }

  // ==========
  // ATTRIBUTES
  // ==========

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

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // node_uuid - computed: false, optional: false, required: true
  private _nodeUuid?: string; 
  public get nodeUuid() {
    return this.getStringAttribute('node_uuid');
  }
  public set nodeUuid(value: string) {
    this._nodeUuid = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nodeUuidInput() {
    return this._nodeUuid;
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

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      address: cdktf.stringToTerraform(this._address),
      extra: cdktf.hashMapper(cdktf.stringToTerraform)(this._extra),
      node_uuid: cdktf.stringToTerraform(this._nodeUuid),
      pxe_enabled: cdktf.booleanToTerraform(this._pxeEnabled),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      address: {
        value: cdktf.stringToHclTerraform(this._address),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      extra: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._extra),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      node_uuid: {
        value: cdktf.stringToHclTerraform(this._nodeUuid),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      pxe_enabled: {
        value: cdktf.booleanToHclTerraform(this._pxeEnabled),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
