using System.Diagnostics;
using Akka.Actor;
using Akka.Delivery;
using Akka.Hosting;
using Akka.Util;
using SignActors.Runtime.Cluster;
using SignActors.Runtime.Configuration;
using SignActors.Runtime.Federation;
using SignActors.Runtime.Hosting;
using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Messages.Serialization;
using SignActors.Messages.Protocol;
using SignActors.Messages.Transport;

namespace SignActors.Bench;

/// <summary>
/// Large messages between two cluster hosts (docs/cluster.md, "Large messages"): the same votes
/// sent three ways, each between two fresh ActorSystems in this process that form a cluster with
/// Akka's default failure detector. <b>raw</b>: Akka.Remote alone, frames sized to the message (the
/// design before the host link); <b>link</b>: the host link's chunks and window (what the cluster
/// hosts use); <b>delivery</b>: Akka.Delivery's point-to-point ProducerController with
/// chunk-large-messages at the link's chunk size and a flow-control window of as many chunks as
/// the link's window (the same bytes in flight). Per way: the time from the first send to the last
/// vote delivered, the rate, and the longest gap between heartbeats that either host's failure
/// detector saw. On plain loopback the wire is fast; under <c>scripts/shaped-loopback 100mbit</c>
/// the wire is what it is between hosts, and heartbeats queue behind the votes.
/// </summary>
public sealed class LinkBench(TextWriter output)
{
    const int ResNet18 = 11_181_642;

    /// <param name="votes">float32, 1-bit, or both tables.</param>
    /// <param name="window">Chunks in flight per pair of hosts, for the link and for Akka.Delivery alike.</param>
    /// <param name="ways">Any of raw, link, delivery (delivery: float32 only).</param>
    public void Run(int repeats, string votes, int window, string[] ways)
    {
        if (votes is not ("float32" or "1-bit" or "both")) throw new Akka.Configuration.ConfigurationException($"--link-votes: '{votes}' is not one of float32, 1-bit, both");
        if (window < 1) throw new Akka.Configuration.ConfigurationException($"--link-window: at least 1, got {window}");
        var chosen = ways.Select(w => Enum.TryParse<Way>(w, true, out var way) && w.All(char.IsLetter) ? way
            : throw new Akka.Configuration.ConfigurationException($"--link-ways: '{w}' is not one of raw, link, delivery")).ToHashSet();
        var settings = LinkSettings.Reference with { Window = window };
        var float32 = Enumerable.Range(0, 4).Select(j => Vote(j, new DensePayload(Values(j, ResNet18)))).ToArray();
        var signs = Enumerable.Range(0, 16).Select(j => Vote(j, new SignPayload(SignPacker.Pack(Values(j, ResNet18))))).ToArray();
        output.WriteLine($"# link — two cluster hosts in one process, Akka's default failure detector (heartbeat every 1 s, acceptable pause 3 s), chunks of {settings.ChunkBytes / 1024} KiB, window {settings.Window} (the link's, and Akka.Delivery's flow control); {repeats} repeat(s), ways interleaved");
        output.WriteLine("| votes | way | seconds | MB/s | longest heartbeat gap (s) | unreachable events |");
        output.WriteLine("|---|---|---|---|---|---|");
        var tables = new[] { ("float32", "4 float32 resnet18 (44.7 MB each)", float32, new[] { Way.Raw, Way.Link, Way.Delivery }), ("1-bit", "16 1-bit resnet18 (1.4 MB each)", signs, new[] { Way.Raw, Way.Link }) };
        foreach (var (_, name, sent, all) in tables.Where(t => votes == "both" || t.Item1 == votes))
        {
            long bytes = sent.Sum(v => (long)ProtocolCodec.Encode(v).Length);
            for (int r = 0; r < repeats; r++)
                foreach (var way in all.Where(chosen.Contains))
                {
                    var m = Measure(way, sent, settings);
                    string time = m.Seconds is { } s ? $"{s:F2}" : m.Unreachable > 0 ? "did not arrive: a host was downed" : "did not arrive in 300 s";
                    string rate = m.Seconds is { } t ? $"{bytes / t / 1e6:F1}" : "–";
                    string gap = m.Seconds is null && m.Unreachable > 0 ? "past the pause (downed)" : $"{m.LongestGap.TotalSeconds:F2}";
                    output.WriteLine($"| {name} | {way.ToString().ToLowerInvariant()} | {time} | {rate} | {gap} | {m.Unreachable} |");
                    output.Flush();
                }
        }
    }

    enum Way { Raw, Link, Delivery }

    readonly record struct Measurement(double? Seconds, TimeSpan LongestGap, int Unreachable);

    static Measurement Measure(Way way, Vote[] votes, LinkSettings link)
    {
        int a = Loopback.FreePort(), b = Loopback.FreePort();
        // Raw: frames large enough for a whole vote, as the cluster hosts had them before the link.
        var sizes = way == Way.Raw ? new LinkSettings(64 << 20, 8) : link;
        using var senderHost = Host(a, a, ClusterSettings.ServerRole, sizes, way == Way.Delivery);
        using var receiverHost = Host(b, a, ClusterSettings.WorkerRole, sizes, way == Way.Delivery);
        var (sender, receiver) = (senderHost.System, receiverHost.System);
        var unreachable = new List<string>();
        foreach (var system in new[] { sender, receiver }) system.ActorOf(Props.Create(() => new UnreachableCount(unreachable)));
        var until = DateTime.UtcNow.AddSeconds(60);
        while (new[] { sender, receiver }.Any(s => Akka.Cluster.Cluster.Get(s).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) < 2))
        {
            if (DateTime.UtcNow > until) throw new InvalidOperationException("link bench: the two hosts did not form a cluster in 60 s");
            Thread.Sleep(100);
        }
        Thread.Sleep(3000); // a few heartbeats first: the detectors have their intervals

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        if (way == Way.Delivery)
        {
            var producerController = sender.ActorOf(ProducerController.Create<Vote>(sender, "bench", Option<Props>.None,
                ProducerController.Settings.Create(sender) with { ChunkLargeMessagesBytes = link.ChunkBytes }), "producer-controller");
            var consumerController = receiver.ActorOf(ConsumerController.Create<Vote>(receiver, Option<IActorRef>.None,
                ConsumerController.Settings.Create(receiver) with { FlowControlWindow = link.Window }), "consumer-controller");
            receiver.ActorOf(Props.Create(() => new DeliveryConsumer(consumerController, votes.Length, done)));
            consumerController.Tell(new ConsumerController.RegisterToProducerController<Vote>(
                // with its uid: the consumer compares the controller it registered to with the one that sends
                ((ExtendedActorSystem)receiver).Provider.ResolveActorRef(producerController.Path.ToSerializationFormatWithAddress(Akka.Cluster.Cluster.Get(sender).SelfAddress))));
            clock.Restart();
            sender.ActorOf(Props.Create(() => new DeliveryProducer(producerController, votes)));
        }
        else
        {
            receiver.ActorOf(Props.Create(() => new Sink(votes.Length, done)), "sink");
            var target = ((ExtendedActorSystem)sender).Provider.ResolveActorRef($"akka.tcp://{ClusterSettings.SystemName}@127.0.0.1:{b}/user/sink");
            clock.Restart();
            foreach (var vote in votes)
                if (way == Way.Link) Links.Of(sender).Send(target, vote, ActorRefs.Nobody);
                else target.Tell(vote, ActorRefs.Nobody);
        }
        // A downed host's system stops: the votes will not arrive.
        bool arrived = Task.WaitAny([done.Task, sender.WhenTerminated, receiver.WhenTerminated], TimeSpan.FromSeconds(300)) == 0;
        double seconds = clock.Elapsed.TotalSeconds;
        Thread.Sleep(1500); // the heartbeat after the last vote
        var gap = new[] { sender, receiver }.Select(LongestGap).Max();
        lock (unreachable) return new Measurement(arrived ? seconds : null, gap, unreachable.Count);
    }

    /// <summary>The longest gap this host's detector saw; zero once the host was downed (its system has stopped, and asks to it never time out).</summary>
    static TimeSpan LongestGap(ActorSystem system)
    {
        if (system.WhenTerminated.IsCompleted) return TimeSpan.Zero;
        var ask = system.ActorSelection("/user/" + HeartbeatWatch.Name).Ask<HeartbeatWatch.Gaps>(HeartbeatWatch.Longest.Instance, TimeSpan.FromSeconds(5));
        return ask.Wait(TimeSpan.FromSeconds(6)) ? ask.Result.PerMember.Values.DefaultIfEmpty().Max() : TimeSpan.Zero;
    }

    static ActorSystemHost Host(int port, int seedPort, string role, LinkSettings sizes, bool delivery)
    {
        var cluster = new ClusterSettings("127.0.0.1", port, [$"akka.tcp://{ClusterSettings.SystemName}@127.0.0.1:{seedPort}"], 5000, Link: sizes);
        return ActorSystemHost.Start(ClusterSettings.SystemName, InProcessFederation.AkkaConfig(new HostSettings(1, "warning")), null, Akka.Event.LogLevel.WarningLevel,
            akka =>
            {
                cluster.Configure(akka, role, admitDelivery: delivery); // the hosts refuse Akka.Delivery's serializer; this comparison lets it in
            },
            (system, _) =>
            {
                Links.Of(system).Link = system.ActorOf(HostLink.Props(sizes), HostLink.Name);
                system.ActorOf(HeartbeatWatch.Props(), HeartbeatWatch.Name);
            }, null, null);
    }

    static float[] Values(int node, int d)
    {
        var values = new float[d];
        var random = new Random(node);
        for (int k = 0; k < d; k++) values[k] = (float)(random.NextDouble() - 0.5);
        return values;
    }

    static Vote Vote(int node, Payload payload) => new(1, node, payload, new VoteScalars(1, 2, 3, 4), 5);

    sealed class Sink : ReceiveActor
    {
        public Sink(int expected, TaskCompletionSource done)
        {
            int received = 0;
            Receive<Vote>(_ => { if (++received == expected) done.TrySetResult(); });
            ReceiveAny(_ => { }); // VoteArriving
        }
    }

    sealed class DeliveryProducer : ReceiveActor
    {
        public DeliveryProducer(IActorRef controller, Vote[] votes)
        {
            int next = 0;
            Receive<ProducerController.RequestNext<Vote>>(r => { if (next < votes.Length) r.SendNextTo.Tell(votes[next++]); });
            controller.Tell(new ProducerController.Start<Vote>(Self));
        }
    }

    sealed class DeliveryConsumer : ReceiveActor
    {
        public DeliveryConsumer(IActorRef controller, int expected, TaskCompletionSource done)
        {
            int received = 0;
            Receive<ConsumerController.Delivery<Vote>>(d =>
            {
                d.ConfirmTo.Tell(ConsumerController.Confirmed.Instance);
                if (++received == expected) done.TrySetResult();
            });
            controller.Tell(new ConsumerController.Start<Vote>(Self));
        }
    }

    sealed class UnreachableCount : ReceiveActor
    {
        public UnreachableCount(List<string> unreachable)
        {
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(Akka.Cluster.ClusterEvent.UnreachableMember));
            Receive<Akka.Cluster.ClusterEvent.UnreachableMember>(u => { lock (unreachable) unreachable.Add(u.Member.Address.ToString()); });
            ReceiveAny(_ => { });
        }
    }
}
