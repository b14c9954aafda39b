namespace SignActors.Messages.Protocol;

/// <summary>
/// Bytes a protocol message occupies on the wire: its fixed header plus the payload body, which
/// is the packed bytes as they are (SPEC §6: no per-coordinate overhead). The binary serializer
/// writes exactly these layouts (little-endian):
/// <list type="bullet">
/// <item>payload header: kind (1), d (4), voters of a count payload or 0 (1) — 6 bytes;</item>
/// <item><see cref="Vote"/>: format version (1), round (8), node id (4), compute ms (4), four
///   float32 scalars (16), count of per-tensor norms (2), payload header (6) — 41 bytes, then
///   4 bytes per per-tensor norm (S_R with per-tensor radius only) and the body;</item>
/// <item><see cref="Aggregate"/>: format version (1), round (8), η (4), payload header (6) —
///   19 bytes, then the body;</item>
/// <item><see cref="StartRound"/>: format version (1), round (8), η (4), count of radii (2),
///   deadline (4) — 19 bytes, then 4 bytes per broadcast radius.</item>
/// </list>
/// </summary>
public static class WireSize
{
    public const int PayloadHeaderBytes = 1 + 4 + 1;
    public const int VoteHeaderBytes = 1 + 8 + 4 + 4 + 4 * sizeof(float) + 2 + PayloadHeaderBytes;
    public const int AggregateHeaderBytes = 1 + 8 + 4 + PayloadHeaderBytes;
    public const int StartRoundHeaderBytes = 1 + 8 + 4 + 2 + 4;

    /// <summary>At most this many radii or per-tensor norms in one message (a 16-bit count).</summary>
    public const int MaxTensors = ushort.MaxValue;

    public static long Of(Vote vote) => VoteHeaderBytes + sizeof(float) * (long)(vote.TensorNorms?.Length ?? 0) + vote.Payload.BodyBytes;

    public static long Of(Aggregate aggregate) => AggregateHeaderBytes + (long)aggregate.Payload.BodyBytes;

    public static long Of(StartRound start) => StartRoundHeaderBytes + sizeof(float) * (long)(start.Radius?.Length ?? 0);
}
