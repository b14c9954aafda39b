namespace SignActors.Messages.Protocol;

// The state replicas keep between rounds, as it crosses the wire (in ModelSnapshot and NodeState)
// and goes into checkpoints. Owned by the update rules (src/Training/Updates/Optimizers.cs,
// ExportState/ImportState) and the estimators (src/Node/Estimators, ExportState/ImportState).

/// <summary>An optimizer's state: its step count and its per-coordinate buffers (momentum; Adam's m and v).</summary>
public sealed record OptimizerSnapshot(long Steps, float[][] Buffers)
{
    public bool Equals(OptimizerSnapshot? other) =>
        other is not null && Steps == other.Steps && Buffers.Length == other.Buffers.Length
        && Buffers.Zip(other.Buffers).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    public override int GetHashCode() => HashCode.Combine(Steps, Buffers.Length);
}

/// <summary>
/// An estimator's state between rounds (checkpoints): whether it has taken its first step, and
/// its buffers (momentum v, STORM's v, error feedback's e, Lion's m).
/// </summary>
public sealed record EstimatorSnapshot(bool Started, float[][] Buffers)
{
    public bool Equals(EstimatorSnapshot? other) =>
        other is not null && Started == other.Started && Buffers.Length == other.Buffers.Length
        && Buffers.Zip(other.Buffers).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    public override int GetHashCode() => HashCode.Combine(Started, Buffers.Length);
}
