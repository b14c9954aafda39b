using Akka.Actor;
using Akka.TestKit.Xunit2;
using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Protocol;
using SignActors.Node;
using SignActors.Node.Replicas;
using SignActors.Server;
using SignActors.Server.Metrics;
using Xunit;
using static TorchSharp.torch;

namespace SignActors.Tests.Federation;

/// <summary>
/// Per-host replicas: a host's nodes share one x_t that is applied once a round, their votes are
/// the votes of nodes with replicas of their own, and a host that diverges is caught by the server.
/// </summary>
[Collection("torch")]
public class HostReplicaTests() : TestKit(TinyFederation.WireConfig)
{
    const int D = 422_756;

    static Aggregate AggregateOf(long round, int seed) => new(round, new SignPayload(SignPacker.Pack(TestVectors.Uniform(D, seed))), 0.001f);

    [Theory]
    [InlineData("signum")]  // momentum on each node
    [InlineData("ssvr-mv")] // STORM: the host keeps x_{t−1} for every node
    public void Nodes_sharing_a_host_replica_vote_as_nodes_with_their_own_and_the_host_applies_each_aggregate_once(string preset)
    {
        var spec = TinyFederation.Spec(preset, nodes: 3);
        var shards = TinyFederation.Shards(spec);
        using var host = ModelReplica.PerHost(spec, TinyFederation.Train, _ => CPU, 50);
        var shared = Enumerable.Range(0, 3).Select(j => new NodeReplica(j, spec, TinyFederation.Train, shards[j].Records, host: host)).ToArray();
        var own = Enumerable.Range(0, 3).Select(j => new NodeReplica(j, spec, TinyFederation.Train, shards[j].Records)).ToArray();
        try
        {
            for (long t = 1; t <= 3; t++)
            {
                var start = new StartRound(t, 0.001f, null, 0);
                for (int j = 0; j < 2; j++) // node 2 sits the rounds out (not drawn)
                    Assert.Equal(own[j].ComputeVote(start)!.Payload, shared[j].ComputeVote(start)!.Payload);
                var aggregate = AggregateOf(t, 20 + (int)t);
                Assert.True(shared[1].Apply(aggregate)); // the first node to take it applies it
                Assert.Equal(t, host.LastAppliedRound);
                Assert.True(shared[0].Apply(aggregate)); // the others find it applied
                Assert.False(shared[0].Apply(aggregate));
                Assert.True(shared[2].Apply(aggregate));
                Assert.Equal(t, host.LastAppliedRound);
                foreach (var node in own) node.Apply(aggregate);
                Assert.Equal(own[2].HashAfter(t), host.HashAfter(t));
                Assert.Null(shared[2].ComputeVote(start)); // the host holds x_{t+1}: a round-t vote could only be late
            }
            // Node 2 votes for the first time at x_4; with STORM its x_{t−1} is the host's x_3.
            var fourth = new StartRound(4, 0.001f, null, 0);
            Assert.Equal(own[2].ComputeVote(fourth)!.Payload, shared[2].ComputeVote(fourth)!.Payload);
            Assert.Equal(1, host.Slots); // one thread computed: one compute module
        }
        finally
        {
            foreach (var node in shared.Concat(own)) node.Dispose();
        }
    }

    [Fact]
    public void A_snapshot_moves_the_host_replica_once_and_its_other_nodes_take_it_as_theirs()
    {
        var spec = TinyFederation.Spec("ssvr-mv", nodes: 2);
        var shards = TinyFederation.Shards(spec);
        using var host = ModelReplica.PerHost(spec, TinyFederation.Train, _ => CPU, 50);
        using var first = new NodeReplica(0, spec, TinyFederation.Train, shards[0].Records, host: host);
        using var second = new NodeReplica(1, spec, TinyFederation.Train, shards[1].Records, host: host);
        using var reference = new NodeReplica(1, spec, TinyFederation.Train, shards[1].Records);
        var snapshot = new ModelSnapshot(5, TestVectors.Uniform(D, 3, 0.05f), null);
        first.Restore(snapshot);
        Assert.Equal((5L, 1), (host.LastAppliedRound, host.Resyncs));
        second.Restore(snapshot); // already there: nothing changes
        Assert.Equal((5L, 1), (host.LastAppliedRound, host.Resyncs));
        Assert.Throws<ArgumentException>(() => first.Restore(new ModelSnapshot(6, new float[5], null)));
        Assert.Equal(5, host.LastAppliedRound);

        reference.Restore(snapshot);
        var start = new StartRound(6, 0.001f, null, 0);
        Assert.Equal(reference.ComputeVote(start)!.Payload, second.ComputeVote(start)!.Payload);
    }

    [Fact]
    public async Task A_host_replica_that_diverges_from_the_server_stops_the_run_naming_the_round()
    {
        var spec = TinyFederation.Spec("signsgd", nodes: 3, rounds: 8);
        var shards = TinyFederation.Shards(spec);
        var options = TinyFederation.Options();
        using var host = new HostReplica(spec, TinyFederation.Train, options);
        var observer = new CorruptingObserver(host.Model, afterRound: 2);
        var server = Sys.ActorOf(RoundCoordinator.Props(new CoordinatorSetup(spec, TinyFederation.Train, TinyFederation.Test, observer, options), "akka.actor.default-dispatcher"));
        var nodes = Enumerable.Range(0, 3)
            .Select(j => Watch(Sys.ActorOf(NodeActor.Props(new NodeSetup(j, spec, TinyFederation.Train, shards[j].Records, server, options, host), "akka.actor.default-dispatcher"))))
            .ToArray();

        var outcome = await observer.Outcome.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(outcome.Completed);
        Assert.Matches(@"^replica divergence: node [0-2] holds parameters [0-9a-f]+ after round [2-8], the server [0-9a-f]+$", outcome.Message);
        foreach (var _ in nodes) ExpectMsg<Terminated>(TimeSpan.FromSeconds(20)); // RunFinished stopped them: the replica can go
    }

    /// <summary>Overwrites one coordinate of the host's x after a round closes (as a faulty host would).</summary>
    sealed class CorruptingObserver(ModelReplica model, long afterRound) : IRunObserver
    {
        readonly TaskCompletionSource<RunOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task<RunOutcome> Outcome => _outcome.Task;

        public void RoundClosed(RoundMetrics metrics)
        {
            if (metrics.Round == afterRound) model.CorruptForTest(0, 123f); // round 2's hashes may not all be in yet
        }

        public void Finished(RunOutcome outcome) => _outcome.TrySetResult(outcome);
    }
}
