using Akka.Actor;
using Akka.Cluster;
using ClusterSettings = SignActors.Runtime.Cluster.ClusterSettings;
using Akka.Hosting;
using SignActors.Runtime.Cluster;
using SignActors.Runtime.Federation;
using SignActors.Runtime.Hosting;
using SignActors.Messages;
using SignActors.Messages.Protocol;
using SignActors.Messages.Transport;
using Xunit;

namespace SignActors.Tests.Cluster;

/// <summary>
/// Large messages between cluster hosts go through the host link in chunks (docs/cluster.md, "Large
/// messages"): Akka frames are one chunk, so a message of many frames arrives only if the link cut
/// it and put it back together. Two hosts form a cluster with Akka's default failure detector; one
/// sends the other a resnet50-sized ModelSnapshot (23.7 M floats, 95 MB) and float32 votes of
/// resnet18's size (11.2 M floats), each hundreds of chunks, between small messages. Everything
/// arrives whole and in the order sent, and no member is marked unreachable meanwhile: each host's
/// failure detector saw no gap between the other's heartbeats as long as the pause it accepts.
/// </summary>
[Collection("alone")]
public class LargeSnapshotTests
{
    const int ResNet50 = 23_705_252, ResNet18 = 11_181_642;

    /// <summary>A cluster host with the transport and the link the cluster hosts use.</summary>
    static ActorSystemHost Host(int port, int seedPort, string role) =>
        ActorSystemHost.Start(ClusterSettings.SystemName, InProcessFederation.AkkaConfig(new SignActors.Runtime.Configuration.HostSettings(1, "warning")), null,
            Akka.Event.LogLevel.WarningLevel, akka => new ClusterSettings("127.0.0.1", port, [$"akka.tcp://signactors@127.0.0.1:{seedPort}"], 5000).Configure(akka, role),
            (system, _) =>
            {
                Links.Of(system).Link = system.ActorOf(HostLink.Props(new ClusterSettings("127.0.0.1", port, [], 5000).LinkSizes), HostLink.Name);
                system.ActorOf(HeartbeatWatch.Props(), HeartbeatWatch.Name);
            }, null, null);

    [Fact]
    public async Task A_snapshot_and_float32_votes_of_many_frames_arrive_whole_and_in_order_and_no_member_becomes_unreachable()
    {
        int a = Loopback.FreePort(), b = Loopback.FreePort();
        using var senderHost = Host(a, a, ClusterSettings.ServerRole);
        using var receiverHost = Host(b, a, ClusterSettings.WorkerRole);
        var (sender, receiver) = (senderHost.System, receiverHost.System);
        var unreachable = new List<string>();
        foreach (var system in new[] { sender, receiver })
            system.ActorOf(Props.Create(() => new UnreachableWatch(unreachable)));
        var until = DateTime.UtcNow.AddSeconds(30); // waits until both see both up (a wait-until, not a timing assertion)
        while (new[] { sender, receiver }.Any(s => Akka.Cluster.Cluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up) < 2) && DateTime.UtcNow < until)
            await Task.Delay(100);
        Assert.All(new[] { sender, receiver }, s => Assert.Equal(2, Akka.Cluster.Cluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up)));

        var received = new List<object>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.ActorOf(Props.Create(() => new Sink(received, done)), "sink");
        var parameters = new float[ResNet50];
        for (int k = 0; k < parameters.Length; k += 4099) parameters[k] = k * 0.5f;
        parameters[^1] = -3.25f;
        var votes = Enumerable.Range(0, 3).Select(j => Vote(j, ResNet18)).ToArray();
        var sent = new List<object> { new RegisterNode(7), new ModelSnapshot(41, parameters, null) };
        foreach (var vote in votes) sent.AddRange(new object[] { new StartRound(42 + vote.NodeId, 0.01f, null, 0), vote });
        sent.Add(new RunFinished(44, "done"));

        // A reference by path (untrusted mode refuses selections of paths it does not trust).
        var target = ((ExtendedActorSystem)sender).Provider.ResolveActorRef($"akka.tcp://signactors@127.0.0.1:{b}/user/sink");
        var links = Links.Of(sender);
        foreach (var message in sent) links.Send(target, message, ActorRefs.Nobody);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(120));

        var arrived = received.Where(m => m is not VoteArriving).ToArray();
        Assert.Equal(sent.Select(m => m.GetType().Name), arrived.Select(m => m.GetType().Name)); // in the order sent
        var snapshot = (ModelSnapshot)arrived[1];
        Assert.Equal(41, snapshot.Round);
        Assert.True(parameters.AsSpan().SequenceEqual(snapshot.Parameters));
        for (int j = 0; j < votes.Length; j++) Assert.Equal(votes[j], arrived[3 + 2 * j]);
        Assert.Equal(3, received.OfType<VoteArriving>().Count()); // each vote announced as it left
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(unreachable);
        foreach (var system in new[] { sender, receiver })
        {
            var longest = await system.ActorSelection("/user/" + HeartbeatWatch.Name).Ask<HeartbeatWatch.Gaps>(HeartbeatWatch.Longest.Instance, TimeSpan.FromSeconds(5));
            var acceptable = Akka.Cluster.Cluster.Get(system).Settings.FailureDetectorConfig.GetTimeSpan("acceptable-heartbeat-pause");
            var (member, gap) = Assert.Single(longest.PerMember); // the other host, watched by this one's detector
            Assert.True(gap < acceptable, $"{member}: heartbeats {gap.TotalSeconds:F2} s apart, the detector accepts {acceptable.TotalSeconds} s");
            Assert.True(gap > TimeSpan.FromMilliseconds(500)); // heartbeats come about once a second: the watch saw real gaps
        }
    }

    static Vote Vote(int node, int d)
    {
        var values = new float[d];
        for (int k = node; k < d; k += 997) values[k] = (k % 7 - 3) * 0.125f;
        return new Vote(42 + node, node, new DensePayload(values), new VoteScalars(1, 2, 3, 4), 5);
    }

    sealed class Sink : ReceiveActor
    {
        public Sink(List<object> received, TaskCompletionSource done) => ReceiveAny(m =>
        {
            lock (received) received.Add(m);
            if (m is RunFinished) done.TrySetResult();
        });
    }

    /// <summary>Records every member its host marks unreachable.</summary>
    sealed class UnreachableWatch : ReceiveActor
    {
        public UnreachableWatch(List<string> unreachable)
        {
            var cluster = Akka.Cluster.Cluster.Get(Context.System);
            cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.UnreachableMember));
            Receive<ClusterEvent.UnreachableMember>(u => { lock (unreachable) unreachable.Add($"{cluster.SelfAddress.Port} → {u.Member.Address}"); });
            ReceiveAny(_ => { });
        }
    }
}
