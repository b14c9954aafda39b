using SignActors.Training.Randomness;

namespace SignActors.Training.Data;

/// <summary>
/// Which records node j trains on in round t (SPEC §10): its shard is visited in passes, pass e
/// in the order of a Fisher–Yates shuffle drawn from the stream (seed, node j, e, Minibatch), and
/// round t takes positions (t−1)·B … t·B−1 of those passes laid end to end. A batch is a pure
/// function of (seed, node, t), so a node that rejoins after a crash draws exactly what it would
/// have drawn, and message timing never changes which records are used.
/// </summary>
public sealed class MinibatchSchedule
{
    readonly int[] _shard;
    readonly int[] _order;
    readonly ulong _seed;
    readonly int _node;
    long _pass = -1;

    public MinibatchSchedule(int[] shardRecords, int batchSize, ulong seed, int node)
    {
        if (shardRecords.Length == 0) throw new ArgumentException($"node {node} has no training records; use fewer nodes or a less skewed partition", nameof(shardRecords));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _shard = shardRecords;
        _order = new int[shardRecords.Length];
        BatchSize = batchSize;
        _seed = seed;
        _node = node;
    }

    public int BatchSize { get; }

    /// <summary>Writes round <paramref name="round"/>'s <see cref="BatchSize"/> record indices.</summary>
    public void Indices(long round, Span<int> destination)
    {
        if (round < 1) throw new ArgumentOutOfRangeException(nameof(round), $"rounds start at 1, got {round}");
        if (destination.Length != BatchSize) throw new ArgumentException($"destination holds {destination.Length}, batch is {BatchSize}", nameof(destination));
        long position = (round - 1) * BatchSize;
        for (int i = 0; i < BatchSize; i++, position++)
        {
            long pass = position / _shard.Length;
            if (pass != _pass) Shuffle(pass);
            destination[i] = _order[position % _shard.Length];
        }
    }

    void Shuffle(long pass)
    {
        if (pass > uint.MaxValue) throw new InvalidOperationException($"node {_node}: pass {pass} over its shard is beyond the stream key's range");
        _shard.CopyTo(_order, 0);
        var s = new RandomStream(StreamKey.ForNode(_seed, _node, pass, StreamPurpose.Minibatch));
        Partitioner.Shuffle(_order, ref s);
        _pass = pass;
    }
}
