using System.Runtime.Serialization;
using System.Text;
using SignActors.Messages.Protocol;
using SignActors.Messages.Serialization;

namespace SignActors.Training.Runs;

/// <summary>
/// Everything a run needs to continue bit-identically after round <see cref="Round"/> (issue 8 §4):
/// the global parameters and optimizer state, the points and messages replicas keep between rounds
/// (STORM's x_t, the last broadcast, S_R's broadcast radii) and every node's estimator state.
/// Random draws need no saved position: every stream is keyed by round (SPEC §10).
/// </summary>
/// <param name="Fingerprint">What the run is (seed, algorithm, model, data, …): a checkpoint resumes only the same run.</param>
/// <param name="Previous">x_t, the point round t's gradients were taken at (STORM only).</param>
/// <param name="Nodes">Estimator state per node id; a node absent at the checkpoint (crashed) is missing and starts fresh.</param>
public sealed record Checkpoint(string Fingerprint, long Round, float[]? Radius, ModelSnapshot Global, float[]? Previous, Aggregate? LastBroadcast, IReadOnlyDictionary<int, EstimatorSnapshot> Nodes)
{
    static readonly byte[] Magic = "SACK"u8.ToArray();
    const byte Version = 2; // 2: S_R radii as a list (auto: one, per-tensor: one per tensor)

    /// <summary>Writes through a temporary file and a rename, so a reader never sees half a checkpoint.</summary>
    public void Write(string path)
    {
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        using (var w = new BinaryWriter(stream, Encoding.UTF8))
        {
            w.Write(Magic);
            w.Write(Version);
            w.Write(Fingerprint);
            w.Write(Round);
            w.Write(Radius?.Length ?? 0);
            foreach (float r in Radius ?? []) w.Write(r);
            Message(w, Global);
            w.Write(Previous is not null);
            if (Previous is not null) Message(w, new ModelSnapshot(Round - 1, Previous, null));
            w.Write(LastBroadcast is not null);
            if (LastBroadcast is not null) Message(w, LastBroadcast);
            w.Write(Nodes.Count);
            foreach (var (node, state) in Nodes.OrderBy(n => n.Key)) Message(w, new NodeState(Round, node, state));
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads and checks a checkpoint; anything wrong is a <see cref="CheckpointException"/> naming the file.</summary>
    public static Checkpoint Read(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"{path}: checkpoint not found");
        try
        {
            using var stream = File.OpenRead(path);
            using var r = new BinaryReader(stream, Encoding.UTF8);
            if (!r.ReadBytes(4).AsSpan().SequenceEqual(Magic)) throw new CheckpointException($"{path}: not a SignActors checkpoint");
            byte version = r.ReadByte();
            if (version != Version) throw new CheckpointException($"{path}: checkpoint format {version}, this build reads {Version}");
            string fingerprint = r.ReadString();
            long round = r.ReadInt64();
            int radii = r.ReadInt32();
            if (radii < 0 || radii > WireSize.MaxTensors) throw new CheckpointException($"{path}: damaged checkpoint ({radii} radii)");
            var radius = new float[radii];
            for (int i = 0; i < radii; i++) radius[i] = r.ReadSingle();
            var global = Expect<ModelSnapshot>(r, path);
            var previous = r.ReadBoolean() ? Expect<ModelSnapshot>(r, path).Parameters : null;
            var last = r.ReadBoolean() ? Expect<Aggregate>(r, path) : null;
            int count = r.ReadInt32();
            if (count < 0 || count > 1_000_000) throw new CheckpointException($"{path}: damaged checkpoint ({count} node states)");
            var nodes = new Dictionary<int, EstimatorSnapshot>();
            for (int i = 0; i < count; i++)
            {
                var state = Expect<NodeState>(r, path);
                nodes[state.NodeId] = state.Estimator;
            }
            if (stream.Position != stream.Length) throw new CheckpointException($"{path}: damaged checkpoint ({stream.Length - stream.Position} bytes after its end)");
            if (global.Round != round) throw new CheckpointException($"{path}: damaged checkpoint (global model of round {global.Round} in a checkpoint of round {round})");
            return new Checkpoint(fingerprint, round, radii > 0 ? radius : null, global, previous, last, nodes);
        }
        catch (Exception e) when (e is EndOfStreamException or SerializationException or IOException or FormatException)
        {
            throw new CheckpointException($"{path}: damaged checkpoint ({e.Message})");
        }
    }

    static void Message(BinaryWriter w, object message)
    {
        w.Write(ProtocolCodec.Manifest(message));
        var bytes = ProtocolCodec.Encode(message);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    static T Expect<T>(BinaryReader r, string path)
    {
        string manifest = r.ReadString();
        int length = r.ReadInt32();
        if (length < 0 || length > r.BaseStream.Length - r.BaseStream.Position) throw new CheckpointException($"{path}: damaged checkpoint (a record of {length} bytes runs past the end of the file)");
        var message = ProtocolCodec.Decode(r.ReadBytes(length), manifest);
        return message is T t ? t : throw new CheckpointException($"{path}: damaged checkpoint (expected {typeof(T).Name}, found {message.GetType().Name})");
    }
}

/// <summary>A checkpoint that cannot be used: one line naming the file and what is wrong.</summary>
public sealed class CheckpointException(string message) : Exception(message);
