using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace SignActors.Training.Data;

/// <summary>The element types an .npy array may hold here (little-endian or single-byte).</summary>
public enum NpyType { Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float32, Float64 }

/// <summary>One array read from an .npy file (or an .npz entry): C order, little-endian bytes.</summary>
public sealed record NpyArray(string Source, NpyType Type, int[] Shape, byte[] Data)
{
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Element k as a long (integer types: labels, client ids).</summary>
    public long Integer(long k) => Type switch
    {
        NpyType.Bool or NpyType.UInt8 => Data[k],
        NpyType.Int8 => (sbyte)Data[k],
        NpyType.Int16 => BitConverter.ToInt16(Data, (int)(2 * k)),
        NpyType.UInt16 => BitConverter.ToUInt16(Data, (int)(2 * k)),
        NpyType.Int32 => BitConverter.ToInt32(Data, (int)(4 * k)),
        NpyType.UInt32 => BitConverter.ToUInt32(Data, (int)(4 * k)),
        NpyType.Int64 => BitConverter.ToInt64(Data, (int)(8 * k)),
        NpyType.UInt64 => checked((long)BitConverter.ToUInt64(Data, (int)(8 * k))),
        _ => throw new DataFileException($"{Source}: holds {Type} values, not integers"),
    };
}

/// <summary>
/// NumPy's .npy format (versions 1.0, 2.0 and 3.0: magic, version, header length, a Python dict
/// literal with descr, fortran_order and shape, then the raw elements) and .npz archives of them
/// (a zip, stored or deflated). Fortran order, big-endian and object arrays are refused with one
/// line naming the file, as is a file that ends before its elements do.
/// </summary>
public static class NpyFile
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    static readonly Dictionary<string, (NpyType Type, int Size)> Types = new()
    {
        ["b1"] = (NpyType.Bool, 1), ["i1"] = (NpyType.Int8, 1), ["u1"] = (NpyType.UInt8, 1),
        ["i2"] = (NpyType.Int16, 2), ["u2"] = (NpyType.UInt16, 2), ["i4"] = (NpyType.Int32, 4), ["u4"] = (NpyType.UInt32, 4),
        ["i8"] = (NpyType.Int64, 8), ["u8"] = (NpyType.UInt64, 8), ["f4"] = (NpyType.Float32, 4), ["f8"] = (NpyType.Float64, 8),
    };

    public static NpyArray Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Read(stream, path);
        }
        catch (IOException e) { throw new DataFileException($"{path}: cannot be read: {e.Message}"); }
    }

    /// <summary>The arrays of an .npz archive by name (the entry name without ".npy"); only <paramref name="names"/> when given.</summary>
    public static IReadOnlyDictionary<string, NpyArray> ReadArchive(string path, IReadOnlyCollection<string>? names = null)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var arrays = new Dictionary<string, NpyArray>();
            foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal)))
            {
                string name = entry.FullName[..^4];
                if (names is not null && !names.Contains(name)) continue;
                using var stream = entry.Open();
                arrays[name] = Read(stream, $"{path}:{entry.FullName}");
            }
            return arrays;
        }
        catch (InvalidDataException e) { throw new DataFileException($"{path}: not a readable .npz (zip) archive: {e.Message}"); }
        catch (IOException e) { throw new DataFileException($"{path}: cannot be read: {e.Message}"); }
    }

    public static NpyArray Read(Stream stream, string source)
    {
        var prefix = new byte[8];
        if (ReadFully(stream, prefix) < 8 || !prefix.AsSpan(0, 6).SequenceEqual(Magic))
            throw new DataFileException($"{source}: not an .npy file (no \\x93NUMPY magic)");
        int major = prefix[6];
        int headerBytes = major switch
        {
            1 => ReadLength(stream, 2, source),
            2 or 3 => ReadLength(stream, 4, source),
            _ => throw new DataFileException($"{source}: .npy version {major}.{prefix[7]}; versions 1.0, 2.0 and 3.0 are read"),
        };
        var headerData = new byte[headerBytes];
        if (ReadFully(stream, headerData) < headerBytes) throw new DataFileException($"{source}: ends inside its header");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerData);
        var (type, size) = Descr(header, source);
        if (Field(header, "fortran_order", source) != "False")
            throw new DataFileException($"{source}: stored in Fortran order; save it in C order (numpy.ascontiguousarray)");
        int[] shape = Shape(Field(header, "shape", source), source);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        long bytes = count * size;
        if (bytes > Array.MaxLength) throw new DataFileException($"{source}: {bytes:N0} bytes of elements, more than one array here can hold");
        var data = new byte[bytes];
        int read = ReadFully(stream, data);
        if (read < bytes) throw new DataFileException($"{source}: ends after {read:N0} of its {bytes:N0} bytes of elements (truncated)");
        return new NpyArray(source, type, shape, data);
    }

    static (NpyType, int) Descr(string header, string source)
    {
        string descr = Field(header, "descr", source).Trim('\'', '"');
        if (descr.Length < 2) throw new DataFileException($"{source}: descr '{descr}' is not an array type");
        char order = descr[0];
        string code = descr[1..];
        if (code.StartsWith('O')) throw new DataFileException($"{source}: an object array (descr '{descr}'); save numbers, not Python objects");
        if (!Types.TryGetValue(code, out var type)) throw new DataFileException($"{source}: element type '{descr}' is not one of: {string.Join(", ", Types.Keys)}");
        if (order == '>' && type.Size > 1) throw new DataFileException($"{source}: big-endian elements (descr '{descr}'); save them little-endian (array.astype('<{code}'))");
        if (order is not ('<' or '|' or '=' or '>')) throw new DataFileException($"{source}: descr '{descr}' has no byte order");
        return type;
    }

    /// <summary>The value of a key in the header's dict literal, as text.</summary>
    static string Field(string header, string key, string source)
    {
        var m = Regex.Match(header, $@"['""]{key}['""]\s*:\s*(\([^)]*\)|'[^']*'|""[^""]*""|True|False)");
        return m.Success ? m.Groups[1].Value : throw new DataFileException($"{source}: its header has no '{key}'");
    }

    static int[] Shape(string tuple, string source)
    {
        var parts = tuple.Trim('(', ')').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Select(p => int.TryParse(p.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n
            : throw new DataFileException($"{source}: shape {tuple} is not a tuple of sizes")).ToArray();
    }

    static int ReadLength(Stream stream, int bytes, string source)
    {
        var b = new byte[bytes];
        if (ReadFully(stream, b) < bytes) throw new DataFileException($"{source}: ends inside its header");
        long length = bytes == 2 ? BitConverter.ToUInt16(b) : BitConverter.ToUInt32(b);
        return length <= 1 << 24 ? (int)length : throw new DataFileException($"{source}: a header of {length:N0} bytes");
    }

    static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
