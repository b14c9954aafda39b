using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Training.Faults;
using SignActors.Training.Randomness;

namespace SignActors.Node.Byzantine;

/// <summary>
/// What a Byzantine node sends instead of its honest payload (SPEC §7). Attackers follow the
/// message format — same payload kind, same d, same scale field — not its rules:
/// <list type="bullet">
/// <item><c>sign-flip</c>: −(its honest message): signs flipped, a dense vector negated.</item>
/// <item><c>random</c>: uniform random signs from the node's ByzantineNoise stream for the round
///   (bit k is bit k%64 of output ⌊k/64⌋); a dense vector keeps its magnitudes with random signs.</item>
/// <item><c>colluding</c>: −a_{t−1}, the sign of the last broadcast that every node knows (in
///   round 1, with no broadcast yet, −(its honest message)).</item>
/// <item><c>omniscient</c>: −sign(∇f(x_t)) of the full training gradient (or of the configured
///   fixed sample); a dense uplink sends it as ±1 values.</item>
/// </list>
/// ALIE and IPM need every honest message of the round and are crafted by the server (Server.Byzantine.CraftedVotes).
/// </summary>
public static class ByzantineMessage
{
    /// <param name="lastBroadcast">a_{t−1} (colluding); null in round 1.</param>
    /// <param name="fullGradient">∇f(x_t) over the omniscient sample (omniscient only).</param>
    public static Payload Forge(ByzantineAttack attack, Payload honest, in StreamKey noise, Payload? lastBroadcast = null, ReadOnlySpan<float> fullGradient = default) => attack switch
    {
        ByzantineAttack.SignFlip => Negate(honest),
        ByzantineAttack.Random => Randomise(honest, noise),
        ByzantineAttack.Colluding => lastBroadcast is null ? Negate(honest) : AsKindOf(honest, PayloadSigns.Of(lastBroadcast).Negated()),
        ByzantineAttack.Omniscient => fullGradient.Length == honest.Length
            ? AsKindOf(honest, SignPacker.Pack(fullGradient).Negated())
            : throw new ArgumentException($"omniscient attack needs the full gradient of d={honest.Length}, got {fullGradient.Length}", nameof(fullGradient)),
        ByzantineAttack.Alie or ByzantineAttack.Ipm => throw new ArgumentException($"{attack} is crafted by the server from the round's honest votes (Server.Byzantine.CraftedVotes), not by the node", nameof(attack)),
        _ => throw new ArgumentOutOfRangeException(nameof(attack), $"unknown attack {attack}"),
    };

    static Payload Negate(Payload p) => p switch
    {
        SignPayload s => new SignPayload(s.Signs.Negated()),
        ScaledSignPayload s => s with { Signs = s.Signs.Negated() },
        DensePayload d => new DensePayload(Negated(d.Values)),
        _ => throw new ArgumentException($"a node does not send {p.GetType().Name}", nameof(p)),
    };

    static Payload Randomise(Payload honest, in StreamKey noise)
    {
        var bits = new PackedSigns(honest.Length);
        RandomStream.Fill(noise, 0, bits.Words);
        bits.ClearTail();
        if (honest is DensePayload d)
        {
            var values = new float[d.Length];
            for (int k = 0; k < values.Length; k++) values[k] = bits.IsPositive(k) ? MathF.Abs(d.Values[k]) : -MathF.Abs(d.Values[k]);
            return new DensePayload(values);
        }
        return AsKindOf(honest, bits);
    }

    /// <summary>The signs <paramref name="signs"/> in the payload kind of <paramref name="honest"/> (a dense kind gets ±1 values).</summary>
    static Payload AsKindOf(Payload honest, PackedSigns signs) => honest switch
    {
        SignPayload => new SignPayload(signs),
        ScaledSignPayload s => s with { Signs = signs },
        DensePayload => new DensePayload(PlusMinusOne(signs)),
        _ => throw new ArgumentException($"a node does not send {honest.GetType().Name}", nameof(honest)),
    };

    static float[] Negated(float[] values)
    {
        var result = new float[values.Length];
        for (int k = 0; k < result.Length; k++) result[k] = -values[k];
        return result;
    }

    static float[] PlusMinusOne(PackedSigns signs)
    {
        var result = new float[signs.Length];
        for (int k = 0; k < result.Length; k++) result[k] = signs.Sign(k);
        return result;
    }
}
