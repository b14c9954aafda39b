using Akka.Configuration;
using SignActors.Runtime.Cluster;
using Xunit;

namespace SignActors.Tests.Cluster;

/// <summary>Slurm host lists and rank shares, against lists written out by hand.</summary>
public class SchedulerRanksTests
{
    [Theory]
    [InlineData("n01", new[] { "n01" })]
    [InlineData("n[01-03,07]", new[] { "n01", "n02", "n03", "n07" })]
    [InlineData("n[8-11],login", new[] { "n8", "n9", "n10", "n11", "login" })]
    [InlineData("gpu[098-101]", new[] { "gpu098", "gpu099", "gpu100", "gpu101" })]
    [InlineData("r[1-2]n[1-2]", new[] { "r1n1", "r1n2", "r2n1", "r2n2" })]
    [InlineData("a[1,3],b,c[5]-ib", new[] { "a1", "a3", "b", "c5-ib" })]
    public void A_compressed_host_list_expands_in_order(string list, string[] hosts) =>
        Assert.Equal(hosts, SchedulerRanks.ExpandHostList(list));

    [Theory]
    [InlineData("n[01-03", "'[' at n[01-03 is not closed")]
    [InlineData("n[03-01]", "the range 03-01 runs backwards")]
    [InlineData("n[1-x]", "[1-x] holds '1-x', not a number or a range like 01-03")]
    [InlineData("n1],n2", "']' in n1] closes nothing")]
    [InlineData("n1,,n2", "an empty host name")]
    public void A_malformed_host_list_is_one_line_naming_what_is_wrong(string list, string what) =>
        Assert.Equal($"host list \"{list}\": {what}", Assert.Throws<ConfigurationException>(() => SchedulerRanks.ExpandHostList(list)).Message);

    [Fact]
    public void Workers_get_contiguous_even_shares_that_cover_every_node_once()
    {
        // 10 nodes over 3 workers (world size 4): floor(w·10/3) → 0..2, 3..5, 6..9.
        Assert.Equal(new[] { 0, 1, 2 }, SchedulerRanks.NodeShare(1, 4, 10));
        Assert.Equal(new[] { 3, 4, 5 }, SchedulerRanks.NodeShare(2, 4, 10));
        Assert.Equal(new[] { 6, 7, 8, 9 }, SchedulerRanks.NodeShare(3, 4, 10));
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 6, 7 }, SchedulerRanks.NodeShare(1, 2, 8));
        var all = Enumerable.Range(1, 7).SelectMany(r => SchedulerRanks.NodeShare(r, 8, 10_000)).ToArray();
        Assert.Equal(Enumerable.Range(0, 10_000), all);
        Assert.All(Enumerable.Range(1, 7), r => Assert.InRange(SchedulerRanks.NodeShare(r, 8, 10_000).Length, 1428, 1429));
    }

    [Theory]
    [InlineData(0, 4, 10, "rank 0 is not a worker rank (1..3; rank 0 is the server)")]
    [InlineData(1, 1, 10, "world size 1: a federation needs the server (rank 0) and at least one worker")]
    [InlineData(1, 12, 10, "11 worker ranks for 10 nodes: a worker would run none; use at most 11 tasks")]
    public void Ranks_outside_the_world_are_refused_with_one_line(int rank, int world, int nodes, string message) =>
        Assert.Equal(message, Assert.Throws<ConfigurationException>(() => SchedulerRanks.NodeShare(rank, world, nodes)).Message);
}

/// <summary>Reading Slurm's and torchrun's variables.</summary>
public class LaunchPlaceTests
{
    static Dictionary<string, string> Env(params string[] pairs) => pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public void Slurm_places_rank_0_on_the_first_host_of_the_node_list()
    {
        var place = SchedulerRanks.FromEnvironment(Env("SLURM_PROCID=2", "SLURM_NTASKS=4", "SLURM_NODELIST=n[07-09,12]"));
        Assert.Equal(new LaunchPlace(2, 4, "n07", null, "slurm"), place);
        Assert.False(place.IsServer);
        Assert.Equal(4243, SchedulerRanks.FromEnvironment(Env("SLURM_PROCID=0", "SLURM_NTASKS=2", "SLURM_JOB_NODELIST=a1", "MASTER_PORT=4243")).ServerPort);
    }

    [Fact]
    public void Torchrun_variables_name_the_server_by_MASTER_ADDR_and_MASTER_PORT()
    {
        var place = SchedulerRanks.FromEnvironment(Env("RANK=0", "WORLD_SIZE=3", "MASTER_ADDR=10.0.0.5", "MASTER_PORT=29500"));
        Assert.Equal(new LaunchPlace(0, 3, "10.0.0.5", 29500, "torchrun"), place);
        Assert.True(place.IsServer);
    }

    [Theory]
    [InlineData("no scheduler environment: expected SLURM_PROCID, SLURM_NTASKS and SLURM_NODELIST (srun), or RANK, WORLD_SIZE and MASTER_ADDR (torchrun style)")]
    [InlineData("RANK and WORLD_SIZE are set but MASTER_ADDR is not: where is rank 0?", "RANK=1", "WORLD_SIZE=2")]
    [InlineData("SLURM_PROCID and SLURM_NTASKS are set but SLURM_NODELIST is not: where is rank 0?", "SLURM_PROCID=1", "SLURM_NTASKS=2")]
    [InlineData("WORLD_SIZE=\"two\" is not a whole number in 1..2147483647", "RANK=1", "WORLD_SIZE=two", "MASTER_ADDR=h")]
    [InlineData("MASTER_PORT=\"70000\" is not a whole number in 1..65535", "RANK=1", "WORLD_SIZE=2", "MASTER_ADDR=h", "MASTER_PORT=70000")]
    [InlineData("rank 3 is outside a world of 3 (torchrun)", "RANK=3", "WORLD_SIZE=3", "MASTER_ADDR=h")]
    public void A_missing_or_malformed_variable_is_one_line_naming_it(string message, params string[] env) =>
        Assert.Equal(message, Assert.Throws<ConfigurationException>(() => SchedulerRanks.FromEnvironment(Env(env))).Message);

    [Theory]
    [InlineData("n07", "SLURMD_NODENAME=n09", "n09")]       // Slurm names the node a task runs on
    [InlineData("127.0.0.1", "", "127.0.0.1")]               // one machine: the server's loopback
    [InlineData("localhost", "", "localhost")]
    [InlineData("::1", "", "::1")]
    [InlineData("10.0.0.5", "", "machine")]                  // torchrun across machines: this machine's name
    public void A_worker_listens_on_its_own_node(string server, string variable, string expected)
    {
        var env = variable.Length == 0 ? Env() : Env(variable);
        Assert.Equal(expected, SchedulerRanks.WorkerHost(new LaunchPlace(1, 3, server, null, "torchrun"), env, "machine"));
    }

    [Fact]
    public void A_launch_seeds_only_the_server_at_MASTER_PORT_or_the_configs_port()
    {
        // Slurm hosts are beyond loopback: TLS is on (auto), so the seed is an akka.ssl.tcp address.
        var certs = TestCertificates.Files;
        var config = ConfigurationFactory.ParseString($$"""
            signactors.cluster { hostname = "ignored", port = 4053, seed-nodes = ["akka.tcp://signactors@elsewhere:1"], stable-after-ms = 2000 }
            signactors.{{TestCertificates.Set.Section(certs.Host, certs.Ca, "auto")}}
            """).WithFallback(ConfigurationFactory.ParseString(SignActors.Runtime.Configuration.RunConfig.ReadResource("SignActors.reference.conf")));
        var server = ClusterSettings.ForLaunch(config, new LaunchPlace(0, 3, "n07", 29500, "slurm"), "n07");
        Assert.Equal(new[] { "akka.ssl.tcp://signactors@n07:29500" }, server.SeedNodes);
        Assert.Equal(("n07", 29500, 2000), (server.Hostname, server.Port, server.StableAfterMs));
        Assert.NotNull(server.Tls);
        var worker = ClusterSettings.ForLaunch(config, new LaunchPlace(2, 3, "n07", null, "slurm"), "n09");
        Assert.Equal(new[] { "akka.ssl.tcp://signactors@n07:4053" }, worker.SeedNodes);
        Assert.Equal(("n09", 0), (worker.Hostname, worker.Port));
        // On one machine (loopback) a launch speaks plain akka.tcp, as before.
        var local = ClusterSettings.ForLaunch(config, new LaunchPlace(1, 3, "127.0.0.1", 29500, "torchrun"), "127.0.0.1");
        Assert.Equal(new[] { "akka.tcp://signactors@127.0.0.1:29500" }, local.SeedNodes);
        Assert.Null(local.Tls);
    }
}
