using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using SignActors.Messages.Packing;
using SignActors.Messages.Protocol;
using SignActors.Messages.Transport;

namespace SignActors.Messages.Serialization;

/// <summary>
/// The binary wire format of the round protocol (SPEC §6, §12): one short manifest per message
/// type, a format-version byte first, little-endian fields, and the packed sign bytes written as
/// they are. The layouts of <see cref="Vote"/> and <see cref="Aggregate"/> are the ones
/// <see cref="WireSize"/> documents, so the bits-up/down metrics are what this writes. Bound in
/// HOCON to <see cref="IRoundProtocol"/> (the host's embedded akka.conf, under the identifier
/// <see cref="Id"/>); nothing on the wire is JSON.
/// Bad bytes give a <see cref="SerializationException"/> naming what is wrong.
/// </summary>
public sealed class ProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4711;
    public const byte Version = 2; // 2: per-tensor radii in StartRound and per-tensor norms in Vote

    public override int Identifier => Id;
    public override string Manifest(object o) => ProtocolCodec.Manifest(o);
    public override byte[] ToBinary(object obj) => ProtocolCodec.Encode(obj);
    public override object FromBinary(byte[] bytes, string manifest) => ProtocolCodec.Decode(bytes, manifest);
}

/// <summary>
/// The encoding itself, with no actor system: the serializer above uses it on the wire, checkpoints
/// use it on disk.
/// </summary>
public static class ProtocolCodec
{
    const string RegisterManifest = "R", RegisteredManifest = "RA", StartManifest = "S", VoteManifest = "V", AggregateManifest = "A",
        SnapshotRequestManifest = "QS", SnapshotManifest = "M", HashManifest = "H", FailedManifest = "F", FinishedManifest = "X",
        StateRequestManifest = "QN", StateManifest = "N", RefusedManifest = "RF", ReplacedManifest = "RP", ArrivingManifest = "VA",
        ChunkManifest = "LC", AckManifest = "LA";

    public static string Manifest(object o) => o switch
    {
        RegisterNode => RegisterManifest,
        NodeRegistered => RegisteredManifest,
        StartRound => StartManifest,
        Vote => VoteManifest,
        Aggregate => AggregateManifest,
        SnapshotRequest => SnapshotRequestManifest,
        ModelSnapshot => SnapshotManifest,
        ReplicaHash => HashManifest,
        NodeFailed => FailedManifest,
        RunFinished => FinishedManifest,
        StateRequest => StateRequestManifest,
        NodeState => StateManifest,
        RegistrationRefused => RefusedManifest,
        RegistrationReplaced => ReplacedManifest,
        VoteArriving => ArrivingManifest,
        LinkChunk => ChunkManifest,
        LinkAck => AckManifest,
        _ => throw new ArgumentException($"{o.GetType().Name} is not a round-protocol message", nameof(o)),
    };

    public static byte[] Encode(object obj)
    {
        var w = new Writer();
        w.Byte(ProtocolSerializer.Version);
        switch (obj)
        {
            case RegisterNode m: w.Int(m.NodeId); break;
            case NodeRegistered m: w.Int(m.NodeId); w.Long(m.LastAppliedRound); break;
            case StartRound m:
                w.Long(m.Round); w.Float(m.LearningRate); w.ShortFloats(m.Radius); w.Int(m.DeadlineMs);
                break;
            case Vote m:
                w.Long(m.Round); w.Int(m.NodeId); w.Float(m.ComputeMs);
                w.Float(m.Scalars.Loss); w.Float(m.Scalars.GradientL1); w.Float(m.Scalars.GradientL2); w.Float(m.Scalars.EstimateLInf);
                w.ShortFloats(m.TensorNorms);
                w.Payload(m.Payload);
                break;
            case Aggregate m: w.Long(m.Round); w.Float(m.LearningRate); w.Payload(m.Payload); break;
            case SnapshotRequest m: w.Int(m.NodeId); w.Long(m.LastAppliedRound); break;
            case ModelSnapshot m:
                w.Long(m.Round); w.Floats(m.Parameters);
                w.Byte(m.Optimizer is null ? (byte)0 : (byte)1);
                if (m.Optimizer is { } o)
                {
                    w.Long(o.Steps); w.Int(o.Buffers.Length);
                    foreach (var b in o.Buffers) w.Floats(b);
                }
                break;
            case ReplicaHash m: w.Long(m.Round); w.Int(m.NodeId); w.String(m.Sha256); break;
            case NodeFailed m: w.Int(m.NodeId); w.Long(m.Round); w.String(m.Reason); break;
            case RunFinished m: w.Long(m.Rounds); w.String(m.Reason); break;
            case StateRequest m: w.Long(m.Round); break;
            case RegistrationRefused m: w.Int(m.NodeId); w.String(m.Reason); break;
            case RegistrationReplaced m: w.Int(m.NodeId); break;
            case VoteArriving m: w.Long(m.Round); w.Int(m.NodeId); break;
            case LinkChunk m:
                w.Long(m.Transfer); w.Int(m.Index); w.Int(m.Count);
                w.Byte(m.Header is null ? (byte)0 : (byte)1);
                if (m.Header is { } h) { w.String(h.Target); w.String(h.Sender ?? ""); w.Int(h.SerializerId); w.String(h.Manifest); w.Int(h.Length); }
                w.Int(m.Bytes.Length); w.Bytes(m.Bytes);
                break;
            case LinkAck m: w.Long(m.Transfer); w.Int(m.Index); break;
            case NodeState m:
                w.Long(m.Round); w.Int(m.NodeId); w.Byte(m.Estimator.Started ? (byte)1 : (byte)0); w.Int(m.Estimator.Buffers.Length);
                foreach (var b in m.Estimator.Buffers) w.Floats(b);
                break;
            default: throw new ArgumentException($"{obj.GetType().Name} is not a round-protocol message", nameof(obj));
        }
        return w.ToArray();
    }

    public static object Decode(byte[] bytes, string manifest)
    {
        var r = new Reader(bytes, manifest);
        byte version = r.Byte();
        if (version != ProtocolSerializer.Version) throw new SerializationException($"{manifest}: wire format version {version}, this build reads {ProtocolSerializer.Version}");
        object message = manifest switch
        {
            RegisterManifest => new RegisterNode(r.Int()),
            RegisteredManifest => new NodeRegistered(r.Int(), r.Long()),
            StartManifest => ReadStart(ref r),
            VoteManifest => ReadVote(ref r),
            AggregateManifest => ReadAggregate(ref r),
            SnapshotRequestManifest => new SnapshotRequest(r.Int(), r.Long()),
            SnapshotManifest => ReadSnapshot(ref r),
            HashManifest => new ReplicaHash(r.Long(), r.Int(), r.String()),
            FailedManifest => new NodeFailed(r.Int(), r.Long(), r.String()),
            FinishedManifest => new RunFinished(r.Long(), r.String()),
            StateRequestManifest => new StateRequest(r.Long()),
            StateManifest => ReadState(ref r),
            RefusedManifest => new RegistrationRefused(r.Int(), r.String()),
            ReplacedManifest => new RegistrationReplaced(r.Int()),
            ArrivingManifest => new VoteArriving(r.Long(), r.Int()),
            ChunkManifest => ReadChunk(ref r),
            AckManifest => new LinkAck(r.Long(), r.Int()),
            _ => throw new SerializationException($"unknown round-protocol manifest \"{manifest}\""),
        };
        r.End();
        return message;
    }

    static LinkChunk ReadChunk(ref Reader r)
    {
        long transfer = r.Long();
        int index = r.Int(), count = r.Int();
        if (count < 1 || index < 0 || index >= count) throw new SerializationException($"{r.Manifest}: chunk {index} of {count}");
        byte hasHeader = r.Byte();
        if (hasHeader > 1) throw new SerializationException($"{r.Manifest}: header flag {hasHeader}");
        LinkHeader? header = null;
        if (hasHeader == 1)
        {
            string target = r.String(), sender = r.String();
            int serializer = r.Int();
            string manifest = r.String();
            int length = r.Int();
            if (length < 0) throw new SerializationException($"{r.Manifest}: a message of {length} bytes");
            header = new LinkHeader(target, sender.Length == 0 ? null : sender, serializer, manifest, length);
        }
        return new LinkChunk(transfer, index, count, header, r.Bytes());
    }

    static StartRound ReadStart(ref Reader r)
    {
        long round = r.Long();
        float eta = r.Float();
        var radius = r.ShortFloats();
        return new StartRound(round, eta, radius, r.Int());
    }

    static Vote ReadVote(ref Reader r)
    {
        long round = r.Long();
        int node = r.Int();
        float compute = r.Float();
        var scalars = new VoteScalars(r.Float(), r.Float(), r.Float(), r.Float());
        var norms = r.ShortFloats();
        return new Vote(round, node, r.Payload(), scalars, compute, norms);
    }

    static Aggregate ReadAggregate(ref Reader r)
    {
        long round = r.Long();
        float eta = r.Float();
        return new Aggregate(round, r.Payload(), eta);
    }

    static ModelSnapshot ReadSnapshot(ref Reader r)
    {
        long round = r.Long();
        var parameters = r.Floats();
        byte hasOptimizer = r.Byte();
        if (hasOptimizer > 1) throw new SerializationException($"{r.Manifest}: optimizer flag {hasOptimizer}");
        if (hasOptimizer == 0) return new ModelSnapshot(round, parameters, null);
        long steps = r.Long();
        int count = r.Int();
        if (count is < 0 or > 8) throw new SerializationException($"{r.Manifest}: {count} optimizer buffers");
        var buffers = new float[count][];
        for (int i = 0; i < count; i++) buffers[i] = r.Floats();
        return new ModelSnapshot(round, parameters, new OptimizerSnapshot(steps, buffers));
    }

    static NodeState ReadState(ref Reader r)
    {
        long round = r.Long();
        int node = r.Int();
        byte started = r.Byte();
        if (started > 1) throw new SerializationException($"{r.Manifest}: started flag {started}");
        int count = r.Int();
        if (count is < 0 or > 8) throw new SerializationException($"{r.Manifest}: {count} estimator buffers");
        var buffers = new float[count][];
        for (int i = 0; i < count; i++) buffers[i] = r.Floats();
        return new NodeState(round, node, new EstimatorSnapshot(started == 1, buffers));
    }

    enum PayloadKind : byte { Sign = 1, ScaledSign = 2, Counts = 3, Dense = 4 }

    /// <summary>Little-endian writer into a growing buffer.</summary>
    sealed class Writer
    {
        byte[] _buffer = new byte[64];
        int _length;

        Span<byte> Take(int n)
        {
            if (_length + n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + n));
            var span = _buffer.AsSpan(_length, n);
            _length += n;
            return span;
        }

        public void Byte(byte v) => Take(1)[0] = v;
        public void Int(int v) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), v);
        public void Long(long v) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), v);
        public void Float(float v) => BinaryPrimitives.WriteSingleLittleEndian(Take(4), v);
        public void Bytes(ReadOnlySpan<byte> v) => v.CopyTo(Take(v.Length));

        public void Floats(float[] v)
        {
            Int(v.Length);
            Bytes(MemoryMarshal.AsBytes(v.AsSpan())); // little-endian hosts (x64, arm64)
        }

        /// <summary>An optional short float list: a 16-bit count (0 = none), then the floats.</summary>
        public void ShortFloats(float[]? v)
        {
            int n = v?.Length ?? 0;
            if (n > WireSize.MaxTensors) throw new ArgumentException($"{n} floats in a list of at most {WireSize.MaxTensors}");
            Bytes(stackalloc byte[] { (byte)n, (byte)(n >> 8) });
            if (n > 0) Bytes(MemoryMarshal.AsBytes(v.AsSpan()));
        }

        public void String(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            Int(bytes.Length);
            Bytes(bytes);
        }

        /// <summary>kind (1), d (4), voters (1), then the body: the packed bytes as they are.</summary>
        public void Payload(Payload p)
        {
            switch (p)
            {
                case SignPayload s: Byte((byte)PayloadKind.Sign); Int(s.Length); Byte(0); Bytes(s.Signs.Bytes); break;
                case ScaledSignPayload s: Byte((byte)PayloadKind.ScaledSign); Int(s.Length); Byte(0); Bytes(s.Signs.Bytes); Float(s.Scale); break;
                case CountPayload c: Byte((byte)PayloadKind.Counts); Int(c.Length); Byte(checked((byte)c.Counts.Voters)); Bytes(c.Counts.Bytes); break;
                case DensePayload d: Byte((byte)PayloadKind.Dense); Int(d.Length); Byte(0); Bytes(MemoryMarshal.AsBytes(d.Values.AsSpan())); break;
                default: throw new ArgumentException($"no wire format for {p.GetType().Name}", nameof(p));
            }
        }

        public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();
    }

    /// <summary>Bounds-checked little-endian reader: every read names the manifest when the bytes run out.</summary>
    ref struct Reader(byte[] bytes, string manifest)
    {
        readonly ReadOnlySpan<byte> _bytes = bytes;
        int _at;

        public string Manifest { get; } = manifest;

        ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || _bytes.Length - _at < n)
                throw new SerializationException($"{Manifest}: truncated message ({_bytes.Length} bytes; needed {n} more at offset {_at})");
            var span = _bytes.Slice(_at, n);
            _at += n;
            return span;
        }

        public byte Byte() => Take(1)[0];
        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        public float Float() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

        public float[] Floats()
        {
            int n = Int();
            if (n < 0 || n > (_bytes.Length - _at) / 4) throw new SerializationException($"{Manifest}: {n} floats announced, {(_bytes.Length - _at) / 4} present");
            return MemoryMarshal.Cast<byte, float>(Take(4 * n)).ToArray();
        }

        /// <summary>The optional short float list <see cref="Writer.ShortFloats"/> writes; null when its count is 0.</summary>
        public float[]? ShortFloats()
        {
            int n = BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
            return n == 0 ? null : MemoryMarshal.Cast<byte, float>(Take(4 * n)).ToArray();
        }

        public byte[] Bytes()
        {
            int n = Int();
            if (n < 0 || n > _bytes.Length - _at) throw new SerializationException($"{Manifest}: {n} bytes announced, {_bytes.Length - _at} present");
            return Take(n).ToArray();
        }

        public string String()
        {
            int n = Int();
            if (n < 0 || n > _bytes.Length - _at) throw new SerializationException($"{Manifest}: string of {n} bytes announced, {_bytes.Length - _at} present");
            try { return new UTF8Encoding(false, true).GetString(Take(n)); }
            catch (DecoderFallbackException) { throw new SerializationException($"{Manifest}: a string is not valid UTF-8"); }
        }

        public Payload Payload()
        {
            byte kind = Byte();
            int d = Int();
            byte voters = Byte();
            if (d < 0) throw new SerializationException($"{Manifest}: payload of d = {d}");
            try
            {
                switch ((PayloadKind)kind)
                {
                    case PayloadKind.Sign:
                        return new SignPayload(PackedSigns.FromBytes(Take(PackedSigns.ByteCountFor(d)), d));
                    case PayloadKind.ScaledSign:
                        var signs = PackedSigns.FromBytes(Take(PackedSigns.ByteCountFor(d)), d);
                        return new ScaledSignPayload(signs, Float());
                    case PayloadKind.Counts:
                        if (voters == 0) throw new SerializationException($"{Manifest}: a count payload of 0 voters");
                        return new CountPayload(CountVector.FromBytes(Take(CountVector.ByteCountFor(d, voters)), d, voters));
                    case PayloadKind.Dense:
                        if (d > (_bytes.Length - _at) / 4) throw new SerializationException($"{Manifest}: {d} floats announced, {(_bytes.Length - _at) / 4} present");
                        return new DensePayload(MemoryMarshal.Cast<byte, float>(Take(4 * d)).ToArray());
                    default:
                        throw new SerializationException($"{Manifest}: unknown payload kind {kind}");
                }
            }
            catch (ArgumentException e) { throw new SerializationException($"{Manifest}: {e.Message}"); }
        }

        public void End()
        {
            if (_at != _bytes.Length) throw new SerializationException($"{Manifest}: {_bytes.Length - _at} bytes after the end of the message");
        }
    }
}
