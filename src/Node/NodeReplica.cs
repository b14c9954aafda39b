using System.Diagnostics;
using SignActors.Messages.Protocol;
using SignActors.Node.Compressors;
using SignActors.Node.Estimators;
using SignActors.Node.Replicas;
using SignActors.Training.Data;
using SignActors.Training.Faults;
using SignActors.Training.Faults.Attacks;
using SignActors.Training.Models;
using SignActors.Training.Randomness;
using SignActors.Training.Runs;
using SignActors.Training.Vectors;
using static TorchSharp.torch;

namespace SignActors.Node;

/// <summary>
/// What node j computes, without the actor (SPEC §2, §4, §6): its shard, estimator, compressor and
/// faults, and the <see cref="ModelReplica"/> it computes on — its own (per node), or its host's,
/// shared by the host's nodes (per host). <see cref="ComputeVote"/> is step 2 of the round,
/// <see cref="Apply"/> step 5; <see cref="Restore"/> takes over a <see cref="ModelSnapshot"/>. The
/// replica only ever moves from round t − 1 to t, so a skipped round can never be applied out of order.
/// </summary>
public sealed class NodeReplica : IDisposable
{
    readonly RunContract _spec;
    readonly ImageSet _train;
    readonly ModelReplica _model;
    readonly bool _ownsModel;
    readonly MinibatchSchedule _schedule;
    readonly IGradientEstimator _estimator;
    readonly IUplinkCompressor _compressor;
    readonly int[] _indices;
    readonly NodeFaults _faults;
    readonly IAttack? _attack; // runs here unless it needs the round's honest votes (the server crafts those)
    readonly int[] _omniscientSample;
    int _resyncsSeen; // the model's resyncs this node's estimator has caught up with
    long _taken; // the last round whose aggregate this node has taken (applied, or found applied by its host)
    Messages.Payload? _lastBroadcast; // a_{t−1}, for the colluding attack

    /// <param name="host">The host's shared replica; null: this node builds its own on <paramref name="device"/>.</param>
    /// <param name="fullGradientBatch">Records per batch of an omniscient attacker's full gradient (the server's evaluation batch).</param>
    public NodeReplica(int nodeId, RunContract spec, ImageSet train, int[] shardRecords, Device? device = null, int fullGradientBatch = RunOptions.DefaultEvalBatchSize, ModelReplica? host = null)
    {
        if (nodeId < 0 || nodeId >= spec.Nodes) throw new ArgumentOutOfRangeException(nameof(nodeId), $"node id {nodeId} outside [0, {spec.Nodes})");
        NodeId = nodeId;
        _spec = spec;
        _train = train;
        _schedule = new MinibatchSchedule(shardRecords, spec.BatchSize, spec.Seed, nodeId);
        _ownsModel = host is null;
        _model = host ?? ModelReplica.PerNode(spec, train, device ?? CPU, fullGradientBatch);
        _estimator = Estimator.Create(spec.Algorithm, _model.Dimension);
        _compressor = Compressor.Create(spec.Algorithm, _model.Layout.Ends);
        _indices = new int[spec.BatchSize];
        _taken = _model.LastAppliedRound;
        _faults = spec.FaultPlan.For(nodeId);
        _attack = Attacks.Of(_faults, spec.FaultPlan, spec.Nodes) is { Knows: not AttackKnowledge.HonestVotes } onNode ? onNode : null;
        _omniscientSample = _attack?.Knows == AttackKnowledge.FullGradient
            ? RecordSample.Draw(train.Count, spec.FaultPlan.OmniscientSample, StreamKey.ForRun(spec.Seed, StreamPurpose.ByzantineNoise))
            : Array.Empty<int>();
    }

    /// <summary>This node's faults (SPEC §7).</summary>
    public NodeFaults Faults => _faults;

    public int NodeId { get; }
    public int Dimension => _model.Dimension;

    /// <summary>The last round whose aggregate the replica this node computes on has applied (0: it holds x_1).</summary>
    public long LastAppliedRound => _model.LastAppliedRound;

    /// <summary>
    /// Round t's vote at x_t (SPEC §6.2), or null when the replica has already moved past x_t (per
    /// host: round t's aggregate was applied before this node got to it, so the vote could only be
    /// late). Requires t ≤ <see cref="LastAppliedRound"/> + 1.
    /// </summary>
    public Vote? ComputeVote(StartRound start)
    {
        if (start.Round > LastAppliedRound + 1)
            throw new InvalidOperationException($"node {NodeId} holds x_{LastAppliedRound + 1} and cannot vote in round {start.Round}");
        var clock = Stopwatch.StartNew();
        if (!_model.TryLease(start.Round, out var lease)) return null;
        using (lease)
        {
            CatchUpWithResyncs();
            _schedule.Indices(start.Round, _indices);
            var slot = lease.Slot;
            float loss = slot.Step(_indices, _estimator.NeedsGradientAtPrevious);
            if (!float.IsFinite(loss))
                throw new InvalidOperationException($"the minibatch loss is {loss} at round {start.Round}: training has diverged (a smaller learning rate may help)");
            slot.AddNoise(_spec.Algorithm.Noise, StreamKey.ForNode(_spec.Seed, NodeId, start.Round, StreamPurpose.GradientNoise));
            var g = slot.Gradient;
            var v = _estimator.Update(new EstimatorInput(g, slot.GradientAtPrevious, start.LearningRate));
            var coins = StreamKey.ForNode(_spec.Seed, NodeId, start.Round, StreamPurpose.StochasticSign);
            var tensorNorms = _spec.Algorithm.Uplink.PerTensorNorms ? StochasticSign.TensorNorms(_spec.Algorithm.Uplink.RadiusRule, v, _model.Layout.Ends) : null;
            var payload = _compressor.Compress(v, new CompressionContext(coins, start.Radius, tensorNorms));
            var (l1, l2) = Norms.L1AndL2(g);
            var scalars = new Messages.VoteScalars(loss, (float)l1, (float)l2, Norms.LInf(v));
            if (_attack is not null) payload = Forge(_attack, payload, start.Round, slot);
            return new Vote(start.Round, NodeId, payload, scalars, (float)clock.Elapsed.TotalMilliseconds, tensorNorms);
        }
    }

    /// <summary>The attack's message in place of the honest one; the scalars stay honest (the format is followed).</summary>
    Messages.Payload Forge(IAttack attack, Messages.Payload honest, long round, ComputeSlot slot)
    {
        var noise = StreamKey.ForNode(_spec.Seed, NodeId, round, StreamPurpose.ByzantineNoise);
        if (attack.Knows != AttackKnowledge.FullGradient) return attack.Forge(new AttackInput(honest, noise, _lastBroadcast));
        slot.FullGradient(_omniscientSample); // ∇f(x_t) over the sample
        return attack.Forge(new AttackInput(honest, noise, _lastBroadcast, slot.Gradient));
    }

    /// <summary>
    /// Takes round t's aggregate: x_{t+1} = update(x_t, a_t) (SPEC §4), applied by the first of a
    /// host's nodes to take it. False when this node has already taken it. Requires the replica to
    /// hold x_t or to have applied round t.
    /// </summary>
    public bool Apply(Aggregate aggregate)
    {
        if (aggregate.Round <= _taken) return false;
        if (aggregate.Round > LastAppliedRound + 1)
            throw new InvalidOperationException($"node {NodeId} holds x_{LastAppliedRound + 1} and cannot apply round {aggregate.Round}'s aggregate");
        _model.Apply(aggregate);
        _taken = aggregate.Round;
        _lastBroadcast = aggregate.Payload;
        return true;
    }

    /// <summary>SHA-256 of the replica's parameters after <paramref name="round"/>; null once it has moved past it.</summary>
    public ParameterHash? HashAfter(long round) => _model.HashAfter(round);

    /// <summary>
    /// Takes over the global model after round s (a rejoin, or a lost aggregate); per host, only
    /// if the host's replica is not there already. Storm's x_{t−1} is unknown after a jump, so its
    /// estimator restarts (v = g at the next round).
    /// </summary>
    public void Restore(ModelSnapshot snapshot)
    {
        _model.Restore(snapshot);
        _lastBroadcast = null; // a_{t−1} is not part of a snapshot
        _taken = Math.Max(_taken, LastAppliedRound);
        CatchUpWithResyncs();
    }

    /// <summary>
    /// Continues from a checkpoint taken after round t: x_{t+1}, the optimizer state and STORM's
    /// x_t (per node; a host's replica is resumed once, by the host), this node's estimator state
    /// (fresh if it had none) and the last broadcast.
    /// </summary>
    public void Resume(Checkpoint checkpoint)
    {
        if (checkpoint.Global.Parameters.Length != Dimension) throw new ArgumentException($"checkpoint has {checkpoint.Global.Parameters.Length} parameters, the model d={Dimension}", nameof(checkpoint));
        if (_ownsModel) _model.Resume(checkpoint);
        bool atCheckpoint = LastAppliedRound == checkpoint.Round; // a host's replica may have moved on (a node restarted later starts fresh)
        if (atCheckpoint && checkpoint.Nodes.TryGetValue(NodeId, out var state)) _estimator.Import(state);
        else _estimator.Reset();
        _lastBroadcast = atCheckpoint ? checkpoint.LastBroadcast?.Payload : null;
        _taken = LastAppliedRound;
        CatchUpWithResyncs();
    }

    /// <summary>A jump of the replica (snapshot, checkpoint without x_{t−1}) restarts STORM: its x_{t−1} is gone.</summary>
    void CatchUpWithResyncs()
    {
        if (_resyncsSeen == _model.Resyncs) return;
        _resyncsSeen = _model.Resyncs;
        if (_spec.Algorithm.EstimatorDeclared().NeedsGradientAtPrevious) _estimator.Reset();
    }

    /// <summary>The estimator's state (for a checkpoint).</summary>
    public EstimatorSnapshot ExportEstimator() => _estimator.Export();

    /// <summary>Takes over an estimator state (a resumed checkpoint).</summary>
    public void ImportEstimator(EstimatorSnapshot state) => _estimator.Import(state);

    public void Dispose()
    {
        if (_ownsModel) _model.Dispose();
    }
}
