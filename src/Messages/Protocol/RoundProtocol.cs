namespace SignActors.Messages.Protocol;

/// <summary>
/// Marker of the round protocol (SPEC §6): every type here crosses between a node and the server,
/// so the wire serializer binds to this interface.
/// </summary>
public interface IRoundProtocol;

/// <summary>Node → server: node <paramref name="NodeId"/> is up and wants to take part.</summary>
public sealed record RegisterNode(int NodeId) : IRoundProtocol;

/// <summary>
/// Server → node: registration accepted. <paramref name="LastAppliedRound"/> is the last round
/// the global model has applied (0 before round 1); a node behind it gets a
/// <see cref="ModelSnapshot"/> right after.
/// </summary>
public sealed record NodeRegistered(int NodeId, long LastAppliedRound) : IRoundProtocol;

/// <summary>
/// Server → node: registration refused: node <paramref name="NodeId"/> belongs to another host that
/// is up and reachable (or the id is out of range). The claimant stops; its host exits with <paramref name="Reason"/>.
/// </summary>
public sealed record RegistrationRefused(int NodeId, string Reason) : IRoundProtocol;

/// <summary>
/// Server → node: another actor has registered node <paramref name="NodeId"/> (a restart on this
/// host, or a take-over after this host was downed): this actor's votes would be dropped, so it stops.
/// </summary>
public sealed record RegistrationReplaced(int NodeId) : IRoundProtocol;

/// <summary>
/// Server → node: compute round <paramref name="Round"/>'s vote at learning rate η_t.
/// <paramref name="Radius"/> is S_R's broadcast R_t: one value under radius = auto, one per
/// parameter tensor (layout order) under per-tensor and per-tensor-rms; null in round 1 and when the algorithm uses
/// none. <paramref name="DeadlineMs"/> is how long the round stays open, 0 under wait-all.
/// </summary>
public sealed record StartRound(long Round, float LearningRate, float[]? Radius, int DeadlineMs) : IRoundProtocol
{
    public bool Equals(StartRound? other) =>
        other is not null && Round == other.Round && LearningRate.Equals(other.LearningRate) && DeadlineMs == other.DeadlineMs && Floats.Same(Radius, other.Radius);

    public override int GetHashCode() => HashCode.Combine(Round, LearningRate, DeadlineMs, Radius?.Length);
}

/// <summary>
/// Node → server: round <paramref name="Round"/>'s message of node <paramref name="NodeId"/> and its
/// scalars (SPEC §2). <paramref name="ComputeMs"/> is how long the node computed (metrics only:
/// never an input to the math). <paramref name="TensorNorms"/> is one statistic of v per parameter
/// tensor τ (layout order) when S_R's radius is per tensor — ‖v_τ‖_∞ (per-tensor) or
/// ‖v_τ‖₂/√d_τ (per-tensor-rms) — else null.
/// </summary>
public sealed record Vote(long Round, int NodeId, Payload Payload, VoteScalars Scalars, float ComputeMs, float[]? TensorNorms = null) : IRoundProtocol, Transport.IAnnounced
{
    object Transport.IAnnounced.Announcement => new VoteArriving(Round, NodeId);

    public bool Equals(Vote? other) =>
        other is not null && Round == other.Round && NodeId == other.NodeId && Equals(Payload, other.Payload) && Scalars.Equals(other.Scalars)
        && ComputeMs.Equals(other.ComputeMs) && Floats.Same(TensorNorms, other.TensorNorms);

    public override int GetHashCode() => HashCode.Combine(Round, NodeId, Payload, Scalars);
}

/// <summary>
/// Node → server, by the host link as a vote's first chunk leaves: node <paramref name="NodeId"/>'s
/// vote for round <paramref name="Round"/> is on its way, so the server does not ask for it again.
/// </summary>
public sealed record VoteArriving(long Round, int NodeId) : IRoundProtocol;

/// <summary>Element-wise equality of optional float arrays (record members that are arrays).</summary>
internal static class Floats
{
    public static bool Same(float[]? a, float[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}

/// <summary>
/// Server → every node: the round's downlink a_t and the η_t it is applied with (SPEC §6.5).
/// A node applies it only directly on top of round t − 1.
/// </summary>
public sealed record Aggregate(long Round, Payload Payload, float LearningRate) : IRoundProtocol;

/// <summary>Node → server: my last applied round is <paramref name="LastAppliedRound"/>; send me the global model.</summary>
public sealed record SnapshotRequest(int NodeId, long LastAppliedRound) : IRoundProtocol;

/// <summary>
/// Server → node: the global parameters after round <paramref name="Round"/> (x_{Round+1}), plus
/// the `mean` optimizer's state, so a (re)joining node continues bit-identically.
/// </summary>
public sealed record ModelSnapshot(long Round, float[] Parameters, OptimizerSnapshot? Optimizer) : IRoundProtocol
{
    public bool Equals(ModelSnapshot? other) =>
        other is not null && Round == other.Round && Parameters.AsSpan().SequenceEqual(other.Parameters) && Equals(Optimizer, other.Optimizer);

    public override int GetHashCode() => HashCode.Combine(Round, Parameters.Length);
}

/// <summary>
/// Node → server (verify-replicas): SHA-256 of the node's parameters after applying round
/// <paramref name="Round"/>; the server compares it with its own global model's.
/// </summary>
public sealed record ReplicaHash(long Round, int NodeId, string Sha256) : IRoundProtocol;

/// <summary>Server → node (checkpoints): send me your state after applying round <paramref name="Round"/>.</summary>
public sealed record StateRequest(long Round) : IRoundProtocol;

/// <summary>Node → server: node <paramref name="NodeId"/>'s estimator state after applying round <paramref name="Round"/>.</summary>
public sealed record NodeState(long Round, int NodeId, EstimatorSnapshot Estimator) : IRoundProtocol;

/// <summary>Server → node: the run is over; stop.</summary>
public sealed record RunFinished(long Rounds, string Reason) : IRoundProtocol;

/// <summary>
/// Node → server: the node cannot go on (its gradient is not finite, its replica failed); the
/// server stops the run with <paramref name="Reason"/> rather than wait for a vote that will not come.
/// </summary>
public sealed record NodeFailed(int NodeId, long Round, string Reason) : IRoundProtocol;
