using Akka.Actor;
using Akka.Event;
using SignActors.Messages.Protocol;
using SignActors.Messages.Transport;
using SignActors.Server.Reporting;
using SignActors.Training.Runs;

namespace SignActors.Server.Checkpoints;

/// <summary>Collector → coordinator: the checkpoint after <paramref name="Round"/> is on its way to disk; rounds may go on.</summary>
public sealed record StatesCollected(long Round) : INoSerializationVerificationNeeded;

/// <summary>
/// Takes one checkpoint (issue 8 §4): asks every live node for its estimator state after the
/// round, adds the answers to the server's part, and hands the whole to the reporter to write.
/// A node that stops meanwhile owes nothing; one that has not answered within the wait starts
/// fresh on resume. Then it tells the coordinator, which holds the next round until now (a node
/// must not move its estimator on before its state is taken), and stops.
/// </summary>
public sealed class NodeStateCollector : ReceiveActor, IWithTimers
{
    readonly ILoggingAdapter _log = Context.GetLogger();
    readonly Dictionary<int, EstimatorSnapshot> _states = new();
    readonly Dictionary<int, IActorRef> _pending;
    readonly Checkpoint _server;
    readonly string _path;
    readonly IActorRef _reporter;
    bool _written;

    public NodeStateCollector(Checkpoint server, IReadOnlyDictionary<int, IActorRef> nodes, string path, IActorRef reporter, TimeSpan wait)
    {
        (_server, _path, _reporter) = (server, path, reporter);
        _pending = nodes.ToDictionary(n => n.Key, n => n.Value);
        Receive<NodeState>(s => s.Round == server.Round && _pending.TryGetValue(s.NodeId, out var node) && node.Equals(Sender), s =>
        {
            _states[s.NodeId] = s.Estimator;
            _pending.Remove(s.NodeId);
        });
        Receive<Terminated>(t =>
        {
            foreach (var j in _pending.Where(n => n.Value.Equals(t.ActorRef)).Select(n => n.Key).ToArray()) _pending.Remove(j);
        });
        Receive<Timeout>(_ =>
        {
            _log.Warning("server: checkpoint after round {0}: nodes {1} did not send their state; they will start fresh on resume", server.Round, string.Join(", ", _pending.Keys.Order()));
            _pending.Clear();
        });
        Timers.StartSingleTimer(nameof(Timeout), Timeout.Instance, wait);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Checkpoint server, IReadOnlyDictionary<int, IActorRef> nodes, string path, IActorRef reporter, TimeSpan wait) =>
        Akka.Actor.Props.Create(() => new NodeStateCollector(server, nodes, path, reporter, wait));

    protected override void PreStart()
    {
        foreach (var node in _pending.Values) Links.Of(Context.System).Send(Context.Watch(node), new StateRequest(_server.Round), Self);
        WriteWhenComplete();
    }

    protected override bool AroundReceive(Receive receive, object message)
    {
        bool handled = base.AroundReceive(receive, message);
        WriteWhenComplete();
        return handled;
    }

    void WriteWhenComplete()
    {
        if (_pending.Count > 0 || _written) return;
        _written = true;
        _reporter.Tell(new WriteCheckpoint(_server with { Nodes = new Dictionary<int, EstimatorSnapshot>(_states) }, _path));
        Context.Parent.Tell(new StatesCollected(_server.Round)); // after the write is queued: the reporter sees it first
        Context.Stop(Self);
    }

    sealed class Timeout : INoSerializationVerificationNeeded
    {
        public static readonly Timeout Instance = new();
    }
}
