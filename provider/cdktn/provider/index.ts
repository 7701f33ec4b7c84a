// https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktn';

// Configuration

export interface IronplanProviderConfig {
  /**
  * Base URL of the ironplan service (default http://127.0.0.1:6385, or IRONPLAN_ENDPOINT).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs#endpoint IronplanProvider#endpoint}
  */
  readonly endpoint?: string;
  /**
  * Limit for one HTTP request, e.g. "30s" (default 60s).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs#request_timeout IronplanProvider#request_timeout}
  */
  readonly requestTimeout?: string;
  /**
  * Bearer token (or IRONPLAN_TOKEN).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs#token IronplanProvider#token}
  */
  readonly token?: string;
  /**
  * Alias name
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs#alias IronplanProvider#alias}
  */
  readonly alias?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs ironplan}
*/
export class IronplanProvider extends cdktf.TerraformProvider {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "ironplan";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a IronplanProvider resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the IronplanProvider to import
  * @param importFromId The id of the existing IronplanProvider that should be imported. Refer to the {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the IronplanProvider to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "ironplan", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/ironplan/ironplan/0.1.0/docs ironplan} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options IronplanProviderConfig = {}
  */
  public constructor(scope: Construct, id: string, config: IronplanProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: 'ironplan',
      terraformGeneratorMetadata: {
        providerName: 'ironplan',
        providerVersion: '0.1.0'
      },
      terraformProviderSource: 'registry.terraform.io/ironplan/ironplan'
    });
    this._endpoint = config.endpoint;
    this._requestTimeout = config.requestTimeout;
    this._token = config.token;
    this._alias = config.alias;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // endpoint - computed: false, optional: true, required: false
  private _endpoint?: string; 
  public get endpoint() {
    return this._endpoint;
  }
  public set endpoint(value: string | undefined) {
    this._endpoint = value;
  }
  public resetEndpoint() {
    this._endpoint = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get endpointInput() {
    return this._endpoint;
  }

  // request_timeout - computed: false, optional: true, required: false
  private _requestTimeout?: string; 
  public get requestTimeout() {
    return this._requestTimeout;
  }
  public set requestTimeout(value: string | undefined) {
    this._requestTimeout = value;
  }
  public resetRequestTimeout() {
    this._requestTimeout = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get requestTimeoutInput() {
    return this._requestTimeout;
  }

  // token - computed: false, optional: true, required: false
  private _token?: string; 
  public get token() {
    return this._token;
  }
  public set token(value: string | undefined) {
    this._token = value;
  }
  public resetToken() {
    this._token = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get tokenInput() {
    return this._token;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string; 
  public get alias() {
    return this._alias;
  }
  public set alias(value: string | undefined) {
    this._alias = value;
  }
  public resetAlias() {
    this._alias = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get aliasInput() {
    return this._alias;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      endpoint: cdktf.stringToTerraform(this._endpoint),
      request_timeout: cdktf.stringToTerraform(this._requestTimeout),
      token: cdktf.stringToTerraform(this._token),
      alias: cdktf.stringToTerraform(this._alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      endpoint: {
        value: cdktf.stringToHclTerraform(this._endpoint),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      request_timeout: {
        value: cdktf.stringToHclTerraform(this._requestTimeout),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      token: {
        value: cdktf.stringToHclTerraform(this._token),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      alias: {
        value: cdktf.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
