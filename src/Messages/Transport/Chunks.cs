namespace SignActors.Messages.Transport;

/// <summary>How a serialized message is cut into chunks: every chunk but the last has the full size, and an empty message is one empty chunk.</summary>
public static class Chunks
{
    public static int CountFor(int length, int chunkBytes) => Math.Max(1, (int)(((long)length + chunkBytes - 1) / chunkBytes));

    /// <summary>The bytes of chunk <paramref name="index"/>.</summary>
    public static Range Of(int index, int length, int chunkBytes)
    {
        int start = (int)Math.Min((long)index * chunkBytes, length);
        return new Range(start, (int)Math.Min((long)start + chunkBytes, length));
    }
}

/// <summary>
/// One message put back together from its chunks, which arrive in order (one sender, one receiver,
/// one TCP connection). A chunk out of order or past the announced length is refused with the reason.
/// </summary>
public sealed class Reassembly(LinkHeader header, int count)
{
    readonly byte[] _bytes = new byte[header.Length];
    int _next, _length;

    public LinkHeader Header => header;
    public bool Complete => _next == count;
    public byte[] Bytes => Complete ? _bytes : throw new InvalidOperationException($"{count - _next} of {count} chunks still missing");

    /// <summary>Appends chunk <paramref name="index"/>; null when it fits, else why it does not.</summary>
    public string? Append(int index, ReadOnlySpan<byte> bytes)
    {
        if (index != _next) return $"chunk {index} arrived, chunk {_next} was next";
        if (bytes.Length > _bytes.Length - _length) return $"chunk {index} brings {bytes.Length} bytes, {_bytes.Length - _length} of {_bytes.Length} remain";
        if (index == count - 1 && _length + bytes.Length != _bytes.Length) return $"the last chunk ends at byte {_length + bytes.Length} of {_bytes.Length}";
        bytes.CopyTo(_bytes.AsSpan(_length));
        _length += bytes.Length;
        _next++;
        return null;
    }
}
