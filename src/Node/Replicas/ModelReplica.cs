using System.Collections.Concurrent;
using SignActors.Messages.Protocol;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Runs;
using SignActors.Training.Updates;
using TorchSharp;
using static TorchSharp.torch;

namespace SignActors.Node.Replicas;

/// <summary>Where the parameter vector x_t lives in a process (config <c>compute.replicas</c>).</summary>
public enum ReplicaMode
{
    /// <summary>Once per host, shared by its node actors; gradients on a pool of compute modules.</summary>
    PerHost,
    /// <summary>Once per node, each with its own module.</summary>
    PerNode,
}

/// <summary>
/// A replica of the global model (SPEC §4): x_t, the downlink update with the <c>mean</c>
/// optimizer's state, and STORM's x_{t−1}. Every honest replica applies the same aggregates to the
/// same start, so one per host serves all its nodes bit for bit (<see cref="ReplicaMode.PerHost"/>):
/// it is applied once per round, hashed once per round, and a node takes its gradient on a compute
/// slot from a pool (one per compute thread at most) that is reloaded from x_t when stale. Per node,
/// the slot is the replica's own module and nothing is copied. Thread-safe: node actors of one host
/// run on several threads; <see cref="TryLease"/>, <see cref="Apply"/> and <see cref="Restore"/>
/// take one lock, for a copy or an update, never for a gradient.
/// </summary>
public sealed class ModelReplica : IDisposable
{
    readonly RunContract _spec;
    readonly ImageSet _train;
    readonly int _fullGradientBatch;
    readonly Func<int, Device> _devices;
    readonly FlatModel _home; // holds x_t
    readonly DownlinkUpdate _update;
    readonly Tensor? _previous; // x_{t−1}, kept only for storm
    readonly ComputeSlot? _own; // per node: the home module computes
    readonly ConcurrentBag<ComputeSlot> _idle = new();
    readonly List<ComputeSlot> _pool = new();
    ParameterHash? _hash; // of the current x, once asked for
    readonly object _gate = new();
    long _version, _lastApplied;

    ModelReplica(RunContract spec, ImageSet train, Func<int, Device> devices, int fullGradientBatch, bool shared)
    {
        (_spec, _train, _devices, _fullGradientBatch, Shared) = (spec, train, devices, fullGradientBatch, shared);
        _home = new FlatModel(spec.ModelFor(train), spec.Seed, devices(0));
        _update = new DownlinkUpdate(spec.Algorithm);
        if (spec.Algorithm.EstimatorDeclared().NeedsGradientAtPrevious) _previous = _home.Parameters.detach().clone();
        if (!shared) _own = new ComputeSlot(_home, _previous, train, spec.BatchSize, fullGradientBatch, ownsModel: false);
    }

    /// <summary>A node's own replica on <paramref name="device"/>.</summary>
    public static ModelReplica PerNode(RunContract spec, ImageSet train, Device device, int fullGradientBatch) =>
        new(spec, train, _ => device, fullGradientBatch, shared: false);

    /// <summary>A host's replica; compute slot i lives on <paramref name="devices"/>(i).</summary>
    public static ModelReplica PerHost(RunContract spec, ImageSet train, Func<int, Device> devices, int fullGradientBatch) =>
        new(spec, train, devices, fullGradientBatch, shared: true);

    /// <summary>Shared by a host's nodes.</summary>
    public bool Shared { get; }

    public int Dimension => _home.Dimension;
    public ParameterLayout Layout => _home.Layout;

    /// <summary>The last round whose aggregate this replica applied (0: it holds x_1).</summary>
    public long LastAppliedRound => Interlocked.Read(ref _lastApplied);

    /// <summary>How often STORM's x_{t−1} became unknown (a snapshot, a checkpoint without it): its estimators restart.</summary>
    public int Resyncs { get; private set; }

    /// <summary>Compute slots made so far (per host: at most the threads that computed at once).</summary>
    public int Slots { get { lock (_gate) return Shared ? _pool.Count : 1; } }

    /// <summary>
    /// A compute slot holding x_t (and x_{t−1}) for round <paramref name="round"/>'s gradient;
    /// false when this replica no longer holds x_round (its aggregate came first: a vote now could
    /// only be late).
    /// </summary>
    public bool TryLease(long round, out ComputeLease lease)
    {
        lease = default;
        if (_own is not null)
        {
            if (round != LastAppliedRound + 1) return false;
            lease = new ComputeLease(this, _own);
            return true;
        }
        if (!_idle.TryTake(out var slot)) slot = NewSlot();
        lock (_gate)
        {
            if (round != _lastApplied + 1)
            {
                _idle.Add(slot);
                return false;
            }
            if (slot.Version != _version) Load(slot);
        }
        lease = new ComputeLease(this, slot);
        return true;
    }

    /// <summary>x_t (and x_{t−1}) into a slot; on the CPU through spans, which leaves autograd's version counters alone.</summary>
    void Load(ComputeSlot slot)
    {
        if (_home.OnCpu && slot.Model.OnCpu)
        {
            _home.ParameterSpan.CopyTo(slot.Model.ParameterSpan);
            if (_previous is not null) FlatModel.Span(_previous).CopyTo(FlatModel.Span(slot.Previous!));
        }
        else
            using (no_grad())
            {
                slot.Model.Parameters.copy_(_home.Parameters);
                slot.Previous?.copy_(_previous!);
            }
        slot.Version = _version;
    }

    ComputeSlot NewSlot()
    {
        int index;
        lock (_gate) index = _pool.Count;
        var device = _devices(index);
        var model = FlatModel.LoadedLater(_spec.ModelFor(_train), device); // Load gives it x_t (its Version starts unset)
        var slot = new ComputeSlot(model, _previous is null ? null : torch.empty(Dimension, ScalarType.Float32, device), _train, _spec.BatchSize, _fullGradientBatch, ownsModel: true);
        lock (_gate) _pool.Add(slot);
        return slot;
    }

    internal void Return(ComputeSlot slot)
    {
        if (slot != _own) _idle.Add(slot);
    }

    /// <summary>
    /// x_{t+1} = update(x_t, a_t) (SPEC §4) when this replica holds x_t; false when it already
    /// applied round t (a host's other node did). A gap (a lost aggregate) throws: resynchronise instead.
    /// </summary>
    public bool Apply(Aggregate aggregate)
    {
        lock (_gate)
        {
            if (aggregate.Round <= _lastApplied) return false;
            if (aggregate.Round != _lastApplied + 1)
                throw new InvalidOperationException($"the replica holds x_{_lastApplied + 1} and cannot apply round {aggregate.Round}'s aggregate");
            if (aggregate.Payload.Length != Dimension) throw new ArgumentException($"downlink has d={aggregate.Payload.Length}, parameters have d={Dimension}", nameof(aggregate));
            if (_previous is not null) using (no_grad()) _previous.copy_(_home.Parameters);
            _home.UpdateParameters(x => _update.Apply(aggregate.Payload, x, aggregate.LearningRate));
            Moved(aggregate.Round);
            return true;
        }
    }

    /// <summary>
    /// Takes over the global model after round s. Per host, a snapshot the replica is already at or
    /// past changes nothing (returns false): another node brought it there.
    /// </summary>
    public bool Restore(ModelSnapshot snapshot)
    {
        // Checked before anything changes, so a bad snapshot leaves the replica as it was.
        if (snapshot.Parameters.Length != Dimension) throw new ArgumentException($"snapshot has {snapshot.Parameters.Length} parameters, the model d={Dimension}", nameof(snapshot));
        if (snapshot.Round < 0) throw new ArgumentException($"snapshot of round {snapshot.Round}", nameof(snapshot));
        lock (_gate)
        {
            if (Shared && snapshot.Round <= _lastApplied) return false;
            TakeOver(snapshot.Round, snapshot, previous: null);
            return true;
        }
    }

    /// <summary>Continues from a checkpoint taken after round t: x_{t+1}, the optimizer state and STORM's x_t.</summary>
    public void Resume(Checkpoint checkpoint)
    {
        if (checkpoint.Global.Parameters.Length != Dimension) throw new ArgumentException($"checkpoint has {checkpoint.Global.Parameters.Length} parameters, the model d={Dimension}", nameof(checkpoint));
        lock (_gate) TakeOver(checkpoint.Round, checkpoint.Global, checkpoint.Previous);
    }

    /// <summary>x and the optimizer from <paramref name="global"/>; STORM's x_{t−1} from <paramref name="previous"/>, or unknown (estimators restart).</summary>
    void TakeOver(long round, ModelSnapshot global, float[]? previous)
    {
        _update.ImportState(global.Optimizer, Dimension);
        _home.LoadParameters(global.Parameters);
        if (_previous is not null)
            using (no_grad())
            {
                if (previous is null) { Resyncs++; _previous.copy_(_home.Parameters); }
                else
                {
                    using var host = torch.tensor(previous, ScalarType.Float32);
                    _previous.copy_(host);
                }
            }
        Moved(round);
    }

    void Moved(long round)
    {
        _version++;
        _hash = null;
        Interlocked.Exchange(ref _lastApplied, round);
    }

    /// <summary>
    /// SHA-256 of x after <paramref name="round"/>; null once the replica has moved past it.
    /// Computed once per round and given to every node that asks.
    /// </summary>
    public ParameterHash? HashAfter(long round)
    {
        lock (_gate)
        {
            if (round != _lastApplied) return null;
            return _hash ??= _home.Hash();
        }
    }

    /// <summary>Test hook: a host replica that no longer matches the server (what verification must catch).</summary>
    internal void CorruptForTest(int coordinate, float value)
    {
        lock (_gate)
        {
            _home.UpdateParameters(x => x[coordinate] = value);
            _version++;
            _hash = null;
        }
    }

    public void Dispose()
    {
        lock (_gate) foreach (var slot in _pool) slot.Dispose();
        _own?.Dispose();
        _home.Dispose();
        _previous?.Dispose();
    }
}

/// <summary>A compute slot lent to one node for one gradient; <see cref="Dispose"/> gives it back.</summary>
public readonly struct ComputeLease(ModelReplica owner, ComputeSlot slot) : IDisposable
{
    public ComputeSlot Slot => slot;
    public void Dispose() => owner?.Return(slot);
}
