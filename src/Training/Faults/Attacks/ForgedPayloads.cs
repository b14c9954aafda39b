using SignActors.Messages;
using SignActors.Messages.Packing;
using SignActors.Training.Randomness;

namespace SignActors.Training.Faults.Attacks;

/// <summary>The payload arithmetic attacks share: negation, random signs, and signs or values put into the attacker's own payload kind.</summary>
public static class ForgedPayloads
{
    /// <summary>−p: signs flipped, a dense vector negated (a scaled sign keeps its scale).</summary>
    public static Payload Negate(Payload p) => p switch
    {
        SignPayload s => new SignPayload(s.Signs.Negated()),
        ScaledSignPayload s => s with { Signs = s.Signs.Negated() },
        DensePayload d => new DensePayload(Negated(d.Values)),
        _ => throw new ArgumentException($"a node does not send {p.GetType().Name}", nameof(p)),
    };

    /// <summary>Uniform random signs from <paramref name="noise"/> (bit k is bit k%64 of output ⌊k/64⌋); a dense vector keeps its magnitudes.</summary>
    public static Payload Randomise(Payload honest, in StreamKey noise)
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

    /// <summary>The signs <paramref name="signs"/> in the payload kind of <paramref name="own"/> (a dense kind gets ±1 values).</summary>
    public static Payload AsKindOf(Payload own, PackedSigns signs) => own switch
    {
        SignPayload => new SignPayload(signs),
        ScaledSignPayload s => s with { Signs = signs },
        DensePayload => new DensePayload(PlusMinusOne(signs)),
        _ => throw new ArgumentException($"a node does not send {own.GetType().Name}", nameof(own)),
    };

    /// <summary>A crafted vector in the payload kind of <paramref name="own"/>: the vector itself, or its sign (a scaled sign keeps its scale).</summary>
    public static Payload AsKindOf(Payload own, float[] crafted) => own switch
    {
        DensePayload => new DensePayload(crafted),
        SignPayload => new SignPayload(SignPacker.Pack(crafted)),
        ScaledSignPayload s => s with { Signs = SignPacker.Pack(crafted) },
        _ => throw new ArgumentException($"a node does not send {own.GetType().Name}", nameof(own)),
    };

    /// <summary>A message as a crafted attack sees it: its values, or its signs as ±1.</summary>
    public static float[] Values(Payload payload)
    {
        if (payload is DensePayload d) return d.Values;
        var values = new float[payload.Length];
        SignPacker.Unpack(PayloadSigns.Of(payload), values);
        return values;
    }

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

/// <summary>
/// The vector an attack crafts from a round's honest messages, computed once for every attacker
/// that shares the attack instance in that round (the server hands them all the same list), then
/// reused: a cache keyed by that list, not state that outlives the round.
/// </summary>
public sealed class CraftedOnce
{
    IReadOnlyList<float[]>? _honest;
    float[]? _crafted;

    public float[] For(IReadOnlyList<float[]> honest, Func<IReadOnlyList<float[]>, float[]> craft)
    {
        if (!ReferenceEquals(honest, _honest)) (_honest, _crafted) = (honest, craft(honest));
        return _crafted!;
    }
}
