using System.IO.Compression;
using System.Text;

namespace SignActors.Tests.Data;

/// <summary>.npy files and .npz archives written byte by byte, as NumPy lays them out.</summary>
internal static class NpyBytes
{
    /// <summary>Magic, version, header length (2 bytes in 1.0, 4 after), the dict padded with blanks to a 64-byte boundary and a newline, then the elements.</summary>
    public static byte[] Npy(int major, string dict, byte[] data)
    {
        int lengthBytes = major == 1 ? 2 : 4;
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict);
        int unpadded = 6 + 2 + lengthBytes + header.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        int length = header.Length + padding + 1;
        bytes.AddRange(lengthBytes == 2 ? BitConverter.GetBytes((ushort)length) : BitConverter.GetBytes((uint)length));
        bytes.AddRange(header);
        bytes.AddRange(Enumerable.Repeat((byte)' ', padding));
        bytes.Add((byte)'\n');
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    /// <summary>A version 1.0 file of one array in C order: <paramref name="descr"/> as NumPy writes it ('|u1', '<f4', …).</summary>
    public static byte[] Array(string descr, int[] shape, byte[] data) =>
        Npy(1, $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}{(shape.Length == 1 ? "," : "")}), }}", data);

    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
    public static byte[] Int16s(params short[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
    public static byte[] Int64s(params long[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>Client ids of <see cref="WriteTinySet"/>'s 36 training records: 30, 10 and 20 in turn.</summary>
    public static readonly long[] TinyClients = Enumerable.Range(0, 36).Select(i => new long[] { 30, 10, 20 }[i % 3]).ToArray();

    /// <summary>
    /// A small NumPy data set in <paramref name="directory"/>: 36 training and 6 test images of 1×4×4
    /// bytes, 3 classes, and <see cref="TinyClients"/> as train_clients (the tiny TorchScript fixtures fit it).
    /// </summary>
    public static void WriteTinySet(string directory)
    {
        var pixels = Enumerable.Range(0, 36 * 16).Select(i => (byte)(i * 37 % 251)).ToArray();
        System.IO.File.WriteAllBytes(Path.Combine(directory, "train_x.npy"), Array("|u1", [36, 4, 4], pixels));
        System.IO.File.WriteAllBytes(Path.Combine(directory, "train_y.npy"), Array("|u1", [36], Enumerable.Range(0, 36).Select(i => (byte)(i / 3 % 3)).ToArray()));
        System.IO.File.WriteAllBytes(Path.Combine(directory, "test_x.npy"), Array("|u1", [6, 4, 4], pixels[..96]));
        System.IO.File.WriteAllBytes(Path.Combine(directory, "test_y.npy"), Array("|u1", [6], [0, 1, 2, 0, 1, 2]));
        System.IO.File.WriteAllBytes(Path.Combine(directory, "train_clients.npy"), Array("<i8", [36], Int64s(TinyClients)));
    }

    /// <summary>An .npz: each array a "name.npy" entry, compressed at <paramref name="level"/>.</summary>
    public static void WriteArchive(string path, CompressionLevel level, params (string Name, byte[] File)[] arrays)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, file) in arrays)
        {
            using var entry = zip.CreateEntry(name + ".npy", level).Open();
            entry.Write(file);
        }
    }
}
