# ironplan with plain Terraform on fake hardware (no machines needed): two nodes and a deployment that
# picks one of them by resource class. For real machines see ../ipmi/.
#
#   npm run provider:install            # once; prints how to point terraform at the provider
#   terraform init
#   terraform apply
terraform {
  required_providers {
    ironplan = {
      source  = "ironplan/ironplan"
      version = "0.1.0"
    }
  }
}

variable "endpoint" {
  type    = string
  default = "http://127.0.0.1:6385"
}

provider "ironplan" {
  endpoint = var.endpoint
  # token = var.token        # or IRONPLAN_TOKEN
}

resource "ironplan_node" "rack" {
  count          = 2
  name           = "rack-${count.index + 1}"
  driver         = "fake-hardware"
  driver_info    = { fake_power_delay_ms = "200" }
  resource_class = "baremetal"
  traits         = ["CUSTOM_RACK_A"]
  properties     = { cpus = "8", memory_mb = "32768", local_gb = "100", cpu_arch = "x86_64" }
  ports          = [{ address = format("52:54:00:00:10:%02x", count.index + 1) }]

  timeouts {
    create = "10m"
  }
}

resource "ironplan_deployment" "web" {
  name           = "web"
  node_selector  = { resource_class = "baremetal", traits = ["CUSTOM_RACK_A"] }
  image_source   = "http://images.example/ubuntu-24.04.raw"
  image_checksum = "sha256:${"a"}${join("", [for i in range(63) : "a"])}"
  user_data      = "#cloud-config\nhostname: web\n"
  root_device    = { size_gb = 100 }

  # Nodes must exist (and be available) before a selector can find them.
  depends_on = [ironplan_node.rack]

  timeouts {
    create = "30m"
    update = "30m"
    delete = "30m"
  }
}

data "ironplan_nodes" "free" {
  resource_class = "baremetal"
  associated     = false
  depends_on     = [ironplan_deployment.web]
}

output "web_node" {
  value = ironplan_deployment.web.node_uuid
}

output "free_nodes" {
  value = data.ironplan_nodes.free.ids
}
