using System.Diagnostics;
using SignActors.Messages.Protocol;
using SignActors.Node.Byzantine;
using SignActors.Node.Compressors;
using SignActors.Node.Estimators;
using SignActors.Training.Data;
using SignActors.Training.Faults;
using SignActors.Training.Models;
using SignActors.Training.Randomness;
using SignActors.Training.Runs;
using SignActors.Training.Updates;
using SignActors.Training.Vectors;
using TorchSharp;
using static TorchSharp.torch;

namespace SignActors.Node;

/// <summary>
/// What node j computes, without the actor (SPEC §2, §4, §6): its model replica, shard,
/// estimator, compressor and update rule. <see cref="ComputeVote"/> is step 2 of the round,
/// <see cref="Apply"/> step 5; <see cref="Restore"/> takes over a <see cref="ModelSnapshot"/>.
/// The replica only ever moves from round t − 1 to t, so a skipped round can never be applied
/// out of order.
/// </summary>
public sealed class NodeReplica : IDisposable
{
    readonly RunContract _spec;
    readonly ImageSet _train;
    readonly FlatModel _model;
    readonly MinibatchBuilder _batches;
    readonly MinibatchSchedule _schedule;
    readonly IGradientEstimator _estimator;
    readonly IUplinkCompressor _compressor;
    readonly DownlinkUpdate _update;
    readonly int[] _indices;
    readonly float[] _hostGradient, _gradientAtPrevious;
    readonly Tensor? _previous; // x_{t−1}, kept only for storm
    readonly NodeFaults _faults;
    readonly int[] _omniscientSample;
    MinibatchBuilder? _sampleBatches;
    readonly int _fullGradientBatch;
    Messages.Payload? _lastBroadcast; // a_{t−1}, for the colluding attack

    /// <param name="fullGradientBatch">Records per batch of an omniscient attacker's full gradient (the server's evaluation batch).</param>
    public NodeReplica(int nodeId, RunContract spec, ImageSet train, int[] shardRecords, Device? device = null, int fullGradientBatch = RunOptions.DefaultEvalBatchSize)
    {
        _fullGradientBatch = fullGradientBatch;
        if (nodeId < 0 || nodeId >= spec.Nodes) throw new ArgumentOutOfRangeException(nameof(nodeId), $"node id {nodeId} outside [0, {spec.Nodes})");
        NodeId = nodeId;
        _spec = spec;
        _train = train;
        _schedule = new MinibatchSchedule(shardRecords, spec.BatchSize, spec.Seed, nodeId);
        _model = new FlatModel(ModelSpec.For(spec.Model, train), spec.Seed, device);
        _batches = new MinibatchBuilder(spec.BatchSize, train);
        _estimator = Estimator.Create(spec.Algorithm.Estimator, _model.Dimension);
        _compressor = Compressor.Create(spec.Algorithm, _model.Layout.Ends);
        _update = new DownlinkUpdate(spec.Algorithm);
        _indices = new int[spec.BatchSize];
        _hostGradient = _model.OnCpu ? Array.Empty<float>() : new float[_model.Dimension];
        if (spec.Algorithm.Estimator.Kind == Training.Algorithms.EstimatorKind.Storm)
        {
            _gradientAtPrevious = new float[_model.Dimension];
            _previous = _model.Parameters.detach().clone();
        }
        else _gradientAtPrevious = Array.Empty<float>();
        _faults = spec.FaultPlan.For(nodeId);
        _omniscientSample = _faults.Attack == ByzantineAttack.Omniscient
            ? RecordSample.Draw(train.Count, spec.FaultPlan.OmniscientSample, StreamKey.ForRun(spec.Seed, StreamPurpose.ByzantineNoise))
            : Array.Empty<int>();
    }

    /// <summary>This node's faults (SPEC §7).</summary>
    public NodeFaults Faults => _faults;

    public int NodeId { get; }
    public int Dimension => _model.Dimension;

    /// <summary>The last round whose aggregate this replica applied (0: it holds x_1).</summary>
    public long LastAppliedRound { get; private set; }

    /// <summary>Round t's vote at x_t (SPEC §6.2). Requires t = <see cref="LastAppliedRound"/> + 1.</summary>
    public Vote ComputeVote(StartRound start)
    {
        if (start.Round != LastAppliedRound + 1)
            throw new InvalidOperationException($"node {NodeId} holds x_{LastAppliedRound + 1} and cannot vote in round {start.Round}");
        var clock = Stopwatch.StartNew();
        _schedule.Indices(start.Round, _indices);
        float loss;
        ReadOnlySpan<float> gradientAtPrevious = default;
        using (var scope = NewDisposeScope())
        {
            var (images, labels) = _batches.Build(_train, _indices, _model.Device);
            if (_estimator.NeedsGradientAtPrevious)
            {
                _model.StepAt(_previous!, images, labels);
                _model.HostGradient(_hostGradient).CopyTo(_gradientAtPrevious);
                gradientAtPrevious = _gradientAtPrevious;
            }
            loss = _model.Step(images, labels);
        }
        if (!float.IsFinite(loss))
            throw new InvalidOperationException($"the minibatch loss is {loss} at round {start.Round}: training has diverged (a smaller learning rate may help)");
        var g = _model.HostGradient(_hostGradient);
        var v = _estimator.Update(new EstimatorInput(g, gradientAtPrevious, start.LearningRate));
        var coins = StreamKey.ForNode(_spec.Seed, NodeId, start.Round, StreamPurpose.StochasticSign);
        var tensorNorms = _spec.Algorithm.Uplink.PerTensorNorms ? StochasticSign.TensorNorms(_spec.Algorithm.Uplink.RadiusRule, v, _model.Layout.Ends) : null;
        var payload = _compressor.Compress(v, new CompressionContext(coins, start.Radius, tensorNorms));
        var scalars = new Messages.VoteScalars(loss, (float)Norms.L1(g), (float)Norms.L2(g), Norms.LInf(v));
        if (_faults.Attack is { } attack && !CraftedAttacks.IsCrafted(attack)) payload = Forge(attack, payload, start.Round); // ALIE, IPM: the server crafts
        return new Vote(start.Round, NodeId, payload, scalars, (float)clock.Elapsed.TotalMilliseconds, tensorNorms);
    }

    /// <summary>The attack's message in place of the honest one; the scalars stay honest (the format is followed).</summary>
    Messages.Payload Forge(ByzantineAttack attack, Messages.Payload honest, long round)
    {
        var noise = StreamKey.ForNode(_spec.Seed, NodeId, round, StreamPurpose.ByzantineNoise);
        if (attack != ByzantineAttack.Omniscient) return ByzantineMessage.Forge(attack, honest, noise, _lastBroadcast);
        _sampleBatches ??= new MinibatchBuilder(_fullGradientBatch, _train);
        _model.FullGradientNorms(_train, _omniscientSample, _sampleBatches); // ∇f(x_t) over the sample, into the flat gradient
        return ByzantineMessage.Forge(attack, honest, noise, _lastBroadcast, _model.HostGradient(_hostGradient));
    }

    /// <summary>x_{t+1} = update(x_t, a_t) (SPEC §4). Requires t = <see cref="LastAppliedRound"/> + 1.</summary>
    public void Apply(Aggregate aggregate)
    {
        if (aggregate.Round != LastAppliedRound + 1)
            throw new InvalidOperationException($"node {NodeId} holds x_{LastAppliedRound + 1} and cannot apply round {aggregate.Round}'s aggregate");
        if (_previous is not null) using (no_grad()) _previous.copy_(_model.Parameters);
        _model.UpdateParameters(x => _update.Apply(aggregate.Payload, x, aggregate.LearningRate));
        LastAppliedRound = aggregate.Round;
        _lastBroadcast = aggregate.Payload;
    }

    /// <summary>
    /// Takes over the global model after round s (a rejoin, or a lost aggregate). Storm's x_{t−1}
    /// is unknown after a jump, so its estimator restarts (v = g at the next round).
    /// </summary>
    public void Restore(ModelSnapshot snapshot)
    {
        // Checked before anything changes, so a bad snapshot leaves the replica as it was.
        if (snapshot.Parameters.Length != Dimension) throw new ArgumentException($"snapshot has {snapshot.Parameters.Length} parameters, the model d={Dimension}", nameof(snapshot));
        if (snapshot.Round < 0) throw new ArgumentException($"snapshot of round {snapshot.Round}", nameof(snapshot));
        _update.ImportState(snapshot.Optimizer, _model.Dimension);
        _model.LoadParameters(snapshot.Parameters);
        _lastBroadcast = null; // a_{t−1} is not part of a snapshot
        if (_previous is not null)
        {
            _estimator.Reset();
            using (no_grad()) _previous.copy_(_model.Parameters);
        }
        LastAppliedRound = snapshot.Round;
    }

    /// <summary>
    /// Continues from a checkpoint taken after round t: x_{t+1}, the optimizer state, this node's
    /// estimator state (fresh if it had none), STORM's x_t and the last broadcast.
    /// </summary>
    public void Resume(Checkpoint checkpoint)
    {
        var global = checkpoint.Global;
        if (global.Parameters.Length != Dimension) throw new ArgumentException($"checkpoint has {global.Parameters.Length} parameters, the model d={Dimension}", nameof(checkpoint));
        if (checkpoint.Nodes.TryGetValue(NodeId, out var state)) _estimator.Import(state);
        else _estimator.Reset();
        _update.ImportState(global.Optimizer, Dimension);
        _model.LoadParameters(global.Parameters);
        if (_previous is not null)
        {
            if (checkpoint.Previous is { } previous)
            {
                using var host = torch.tensor(previous, ScalarType.Float32);
                _previous.copy_(host);
            }
            else { _estimator.Reset(); _previous.copy_(_model.Parameters); }
        }
        _lastBroadcast = checkpoint.LastBroadcast?.Payload;
        LastAppliedRound = checkpoint.Round;
    }

    /// <summary>The estimator's state (for a checkpoint).</summary>
    public EstimatorSnapshot ExportEstimator() => _estimator.Export();

    /// <summary>Takes over an estimator state (a resumed checkpoint).</summary>
    public void ImportEstimator(EstimatorSnapshot state) => _estimator.Import(state);

    /// <summary>A crash (SPEC §7): estimator and optimizer state are lost; parameters come back by snapshot.</summary>
    public void LoseState()
    {
        _estimator.Reset();
        _update.Reset();
    }

    public ParameterHash Hash() => _model.Hash();

    public void Dispose()
    {
        _model.Dispose();
        _batches.Dispose();
        _previous?.Dispose();
        _sampleBatches?.Dispose();
    }
}
