using Akka.Configuration;
using SignActors.Runtime.Cluster;
using Xunit;

namespace SignActors.Tests.Cluster;

/// <summary>The discovery formation rule and its settings, against hand-written cases.</summary>
public class ContactPointFormationTests
{
    static ContactPoint P(string text) => ContactPoint.TryParse(text, out var p) ? p : throw new ArgumentException(text);

    [Fact]
    public void Too_few_answering_contact_points_wait()
    {
        var step = ContactPointFormation.Decide([P("10.0.0.2:4053")], [P("10.0.0.2:4053")], required: 2);
        Assert.Equal(new FormationStep.Wait("1 of the 2 required contact points answer"), step);
    }

    [Fact]
    public void A_set_that_changed_since_the_last_probe_waits_once_more()
    {
        var step = ContactPointFormation.Decide([P("10.0.0.2:4053"), P("10.0.0.1:4053")], [P("10.0.0.2:4053")], required: 2);
        Assert.IsType<FormationStep.Wait>(step);
    }

    [Fact]
    public void A_stable_set_joins_sorted_by_host_then_port_so_every_host_agrees_on_the_first_seed()
    {
        ContactPoint[] answering = [P("10.0.0.2:4053"), P("10.0.0.1:4054"), P("10.0.0.1:4053")];
        var step = Assert.IsType<FormationStep.Join>(ContactPointFormation.Decide(answering, answering.Reverse().ToArray(), required: 3));
        Assert.Equal(["10.0.0.1:4053", "10.0.0.1:4054", "10.0.0.2:4053"], step.Seeds.Select(s => s.ToString()));
        Assert.Equal("akka.tcp://signactors@10.0.0.1:4053", step.Seeds[0].Address("akka.tcp"));
    }

    [Theory]
    [InlineData("n01:4053", true)]
    [InlineData("n01", false)]
    [InlineData(":4053", false)]
    [InlineData("n01:0", false)]
    [InlineData("n01:70000", false)]
    public void Contact_points_are_host_and_port(string text, bool valid) => Assert.Equal(valid, ContactPoint.TryParse(text, out _));

    static Config Cluster(string body) => ConfigurationFactory.ParseString($"signactors.cluster {{ {body} }}")
        .WithFallback(ConfigurationFactory.ParseString(SignActors.Runtime.Configuration.RunConfig.ReadResource("SignActors.reference.conf")));

    [Fact]
    public void Discovery_reads_its_contact_points_requires_all_by_default_and_turns_on_the_management_endpoint()
    {
        var settings = ClusterSettings.Read(Cluster("formation = discovery, discovery.contact-points = [\"n01:4053\", \"n02:4053\"]"), managementPortOverride: 9000);
        Assert.Equal(ClusterFormation.Discovery, settings.Formation);
        Assert.Empty(settings.SeedNodes);
        Assert.Equal((2, "config"), (settings.Discovery!.RequiredContactPoints, settings.Discovery.Method));
        Assert.Equal(new ManagementSettings("127.0.0.1", 9000), settings.Management);
        Assert.Null(ClusterSettings.Read(Cluster("")).Management); // seed-nodes: off unless asked for
    }

    [Theory]
    [InlineData("formation = discovery", "signactors.cluster.discovery.contact-points: list every host's Akka.Remote address (host:port), the same list on every host")]
    [InlineData("formation = discovery, discovery.contact-points = [\"n01\"]", "signactors.cluster.discovery.contact-points: \"n01\" is not host:port (a host's Akka.Remote endpoint)")]
    [InlineData("formation = gossip", "signactors.cluster.formation")]
    [InlineData("seed-nodes = []", "signactors.cluster.seed-nodes: list the server's address")]
    public void A_wrong_cluster_setting_is_one_line_naming_it(string body, string message) =>
        Assert.Contains(message, Assert.Throws<ConfigurationException>(() => ClusterSettings.Read(Cluster(body))).Message);
}
