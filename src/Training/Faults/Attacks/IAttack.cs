using SignActors.Messages;
using SignActors.Training.Randomness;

namespace SignActors.Training.Faults.Attacks;

/// <summary>
/// What an attack needs to know, which decides where it runs: an attack that needs the round's
/// honest votes cannot run on a node (no node has them) and is crafted by the server where they
/// meet; every other runs on its Byzantine node.
/// </summary>
public enum AttackKnowledge
{
    /// <summary>Its own honest message.</summary>
    OwnMessage,
    /// <summary>The last broadcast a_{t−1}, which every node holds.</summary>
    LastBroadcast,
    /// <summary>∇f(x_t) over the training set (or a fixed sample): simulation-only knowledge, computed on the node.</summary>
    FullGradient,
    /// <summary>Every honest message of the round: crafted by the server.</summary>
    HonestVotes,
}

/// <summary>What an attack is handed each round, as far as its <see cref="IAttack.Knows"/> reaches.</summary>
/// <param name="Own">The attacker's honest payload: the format (kind, d, scale field) its message keeps.</param>
/// <param name="Noise">The attacker's ByzantineNoise stream for the round (a ready key).</param>
/// <param name="LastBroadcast">a_{t−1}; null in round 1.</param>
/// <param name="FullGradient">∇f(x_t) over the omniscient sample (FullGradient attacks only).</param>
/// <param name="Honest">The round's honest messages as values (±1 for sign votes), in node-id order (HonestVotes attacks only).</param>
public readonly ref struct AttackInput(Payload own, StreamKey noise, Payload? lastBroadcast = null, ReadOnlySpan<float> fullGradient = default, IReadOnlyList<float[]>? honest = null)
{
    public Payload Own { get; } = own;
    public StreamKey Noise { get; } = noise;
    public Payload? LastBroadcast { get; } = lastBroadcast;
    public ReadOnlySpan<float> FullGradient { get; } = fullGradient;
    public IReadOnlyList<float[]>? Honest { get; } = honest;
}

/// <summary>
/// A Byzantine attack (SPEC §7): the message a Byzantine node sends instead of its honest one.
/// Attackers follow the message format — the same payload kind, d and scale field — not its rules;
/// the vote's scalars stay honest. The contract, for the built-ins and a plugin alike: no state
/// between rounds, randomness only from <see cref="AttackInput.Noise"/>, no blocking (it runs on a
/// compute thread, or for <see cref="AttackKnowledge.HonestVotes"/> on the thread closing the round),
/// and a payload kind it cannot forge is an <see cref="ArgumentException"/>.
/// </summary>
public interface IAttack
{
    /// <summary>Its name in messages (the config's spelling for a built-in).</summary>
    string Name { get; }

    /// <summary>What it needs to know, and so where it runs.</summary>
    AttackKnowledge Knows { get; }

    /// <summary>How the run header describes it (its parameters included).</summary>
    string Description { get; }

    Payload Forge(in AttackInput input);
}

/// <summary>The built-in attacks by kind, with the run's parameters (ALIE's z, IPM's ε, the omniscient sample), and plugin attacks.</summary>
public static class Attacks
{
    /// <summary>The attack of a node's faults: a plugin's (its public constructor taking the entry's <see cref="Algorithms.PluginSettings"/>), the built-in it names, or none.</summary>
    public static IAttack? Of(NodeFaults faults, FaultPlan plan, int nodes) =>
        faults.AttackPlugin is { } plugin ? plugin.Create<IAttack>(plugin.Settings)
        : faults.Attack is { } kind ? Create(kind, plan, nodes) : null;

    public static IAttack Create(ByzantineAttack attack, FaultPlan plan, int nodes) => attack switch
    {
        ByzantineAttack.SignFlip => new SignFlipAttack(),
        ByzantineAttack.Random => new RandomAttack(),
        ByzantineAttack.Colluding => new ColludingAttack(),
        ByzantineAttack.Omniscient => new OmniscientAttack(plan.OmniscientSample),
        ByzantineAttack.Alie => new AlieAttack(plan.AlieZFor(nodes)),
        ByzantineAttack.Ipm => new IpmAttack(plan.IpmEpsilon),
        _ => throw new ArgumentOutOfRangeException(nameof(attack), $"unknown attack {attack}"),
    };
}
