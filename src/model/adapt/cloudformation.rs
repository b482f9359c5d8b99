//! The CloudFormation adapter's names: `AWS::*` resource types and their properties.

use super::schema::{Direction, FlowLogTarget, RouteFields, RuleFields, Schema, StandaloneRule};
use crate::model::RouteTarget;

static RULE_FIELDS: RuleFields = RuleFields {
    protocol: "IpProtocol",
    from_port: "FromPort",
    to_port: "ToPort",
    cidrs: &["CidrIp", "CidrIpv6"],
    prefix_lists: &["SourcePrefixListId", "DestinationPrefixListId"],
    groups: &[
        "SourceSecurityGroupId",
        "SourceSecurityGroupName",
        "DestinationSecurityGroupId",
    ],
    itself: None,
};

static ROUTE_FIELDS: RouteFields = RouteFields {
    destination_v4: "DestinationCidrBlock",
    destination_v6: "DestinationIpv6CidrBlock",
    destination_prefix_list: "DestinationPrefixListId",
    targets: &[
        ("GatewayId", None),
        ("NatGatewayId", Some(RouteTarget::NatGateway)),
        (
            "EgressOnlyInternetGatewayId",
            Some(RouteTarget::EgressOnlyInternetGateway),
        ),
        ("VpcEndpointId", Some(RouteTarget::VpcEndpoint)),
        ("TransitGatewayId", Some(RouteTarget::Other)),
        ("VpcPeeringConnectionId", Some(RouteTarget::Other)),
        ("NetworkInterfaceId", Some(RouteTarget::Other)),
        ("InstanceId", Some(RouteTarget::Other)),
        ("LocalGatewayId", Some(RouteTarget::Other)),
        ("CarrierGatewayId", Some(RouteTarget::Other)),
        ("CoreNetworkArn", Some(RouteTarget::Other)),
    ],
};

pub(crate) static CLOUDFORMATION: Schema = Schema {
    vpc: "AWS::EC2::VPC",
    vpc_tenancy: "InstanceTenancy",
    subnet: "AWS::EC2::Subnet",
    subnet_vpc: "VpcId",
    subnet_az: "AvailabilityZone",
    subnet_az_id: "AvailabilityZoneId",
    subnet_public_ip: "MapPublicIpOnLaunch",
    route_tables: &["AWS::EC2::RouteTable"],
    inline_routes: None,
    route: "AWS::EC2::Route",
    route_table_field: "RouteTableId",
    route_fields: &ROUTE_FIELDS,
    association: (
        "AWS::EC2::SubnetRouteTableAssociation",
        "SubnetId",
        "RouteTableId",
    ),
    // The main route table cannot be addressed in CloudFormation.
    main_association: None,
    default_route_table: None,
    security_groups: &["AWS::EC2::SecurityGroup"],
    inline_ingress: "SecurityGroupIngress",
    inline_egress: "SecurityGroupEgress",
    inline_rule_fields: &RULE_FIELDS,
    standalone_rules: &[
        StandaloneRule {
            kind: "AWS::EC2::SecurityGroupIngress",
            direction: Direction::Ingress,
            group: "GroupId",
            fields: &RULE_FIELDS,
        },
        StandaloneRule {
            kind: "AWS::EC2::SecurityGroupEgress",
            direction: Direction::Egress,
            group: "GroupId",
            fields: &RULE_FIELDS,
        },
    ],
    parameter_group: "AWS::Redshift::ClusterParameterGroup",
    parameter_group_name: "ParameterGroupName",
    parameter_group_family: "ParameterGroupFamily",
    parameters: ("Parameters", "ParameterName", "ParameterValue"),
    subnet_group: "AWS::Redshift::ClusterSubnetGroup",
    subnet_group_name: "ClusterSubnetGroupName",
    subnet_group_subnets: "SubnetIds",
    cluster: "AWS::Redshift::Cluster",
    cluster_publicly_accessible: "PubliclyAccessible",
    cluster_port: "Port",
    cluster_subnet_group: "ClusterSubnetGroupName",
    cluster_security_groups: "VpcSecurityGroupIds",
    cluster_legacy_security_groups: "ClusterSecurityGroups",
    cluster_parameter_group: "ClusterParameterGroupName",
    workgroup: "AWS::RedshiftServerless::Workgroup",
    workgroup_publicly_accessible: "PubliclyAccessible",
    workgroup_port: "Port",
    workgroup_subnets: "SubnetIds",
    workgroup_security_groups: "SecurityGroupIds",
    workgroup_parameters: ("ConfigParameters", "ParameterKey", "ParameterValue"),
    flow_log: "AWS::EC2::FlowLog",
    flow_log_target: FlowLogTarget::Typed {
        type_field: "ResourceType",
        id_field: "ResourceId",
    },
    internet_gateways: &["AWS::EC2::InternetGateway"],
    vpc_endpoints: &["AWS::EC2::VPCEndpoint"],
    other_gateways: &["AWS::EC2::VPNGateway", "AWS::EC2::TransitGateway"],
};
