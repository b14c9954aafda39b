using SignActors.Messages.Packing;

namespace SignActors.Messages;

/// <summary>
/// The payload shapes the wire carries (SPEC §2–3). An uplink declares the one it produces and an
/// aggregator the ones it accepts; a plugin chooses among these (a new wire shape is not pluggable).
/// </summary>
public enum PayloadKind
{
    /// <summary><see cref="SignPayload"/>: 1 bit per coordinate.</summary>
    Sign,
    /// <summary><see cref="ScaledSignPayload"/>: 1 bit per coordinate and one float.</summary>
    ScaledSign,
    /// <summary><see cref="CountPayload"/>: vote counts (the mean of 1-bit votes, downlink only).</summary>
    Count,
    /// <summary><see cref="DensePayload"/>: float32 per coordinate.</summary>
    Dense,
}

/// <summary>
/// What a vote carries up (node → server) or an aggregate carries down (server → nodes),
/// SPEC §2–3. The same shapes serve both directions, so the `identity` aggregator forwards a
/// node's payload unchanged. Payload buffers are never written after the payload is built.
/// </summary>
public abstract record Payload
{
    /// <summary>d, the number of coordinates.</summary>
    public abstract int Length { get; }

    /// <summary>Bytes of the payload body on the wire (excluding message headers).</summary>
    public abstract int BodyBytes { get; }

    public abstract PayloadKind Kind { get; }
}

/// <summary>sign(v) or S_R(v): 1 bit per coordinate.</summary>
public sealed record SignPayload(PackedSigns Signs) : Payload
{
    public override PayloadKind Kind => PayloadKind.Sign;
    public override int Length => Signs.Length;
    public override int BodyBytes => Signs.ByteCount;
}

/// <summary>sign(v) plus one float: ‖v‖_1, ‖p‖_1/d, or the server's mean M_t.</summary>
public sealed record ScaledSignPayload(PackedSigns Signs, float Scale) : Payload
{
    public override PayloadKind Kind => PayloadKind.ScaledSign;
    public override int Length => Signs.Length;
    public override int BodyBytes => Signs.ByteCount + sizeof(float);
}

/// <summary>Vote counts of the `mean` aggregator over 1-bit uplinks.</summary>
public sealed record CountPayload(CountVector Counts) : Payload
{
    public override PayloadKind Kind => PayloadKind.Count;
    public override int Length => Counts.Length;
    public override int BodyBytes => Counts.Bytes.Length;
}

/// <summary>An uncompressed float32 vector (baselines only).</summary>
public sealed record DensePayload(float[] Values) : Payload
{
    public override PayloadKind Kind => PayloadKind.Dense;
    public override int Length => Values.Length;
    public override int BodyBytes => Values.Length * sizeof(float);
    public bool Equals(DensePayload? other) => other is not null && other.Values.AsSpan().SequenceEqual(Values);
    public override int GetHashCode() => Values.Length;
}

/// <summary>
/// The float32 scalars every vote carries so metrics cost no extra message (SPEC §2):
/// minibatch loss, ‖g‖_1, ‖g‖_2 and ‖v‖_∞ (the last feeds S_R's automatic radius).
/// </summary>
public readonly record struct VoteScalars(float Loss, float GradientL1, float GradientL2, float EstimateLInf);

/// <summary>The sign vector a payload stands for (sign(0) = +1): its bits, or the sign of its values or mean counts.</summary>
public static class PayloadSigns
{
    public static PackedSigns Of(Payload payload) => payload switch
    {
        SignPayload s => s.Signs,
        ScaledSignPayload s => s.Signs,
        DensePayload d => SignPacker.Pack(d.Values),
        CountPayload c => OfCounts(c.Counts),
        _ => throw new ArgumentException($"no sign for a {payload.GetType().Name}", nameof(payload)),
    };

    static PackedSigns OfCounts(CountVector counts)
    {
        var mean = new float[counts.Length];
        counts.ToMean(mean);
        return SignPacker.Pack(mean);
    }
}
