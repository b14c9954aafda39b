namespace SignActors.Training.Data;

/// <summary>
/// The CIFAR-100 binary files (<c>train.bin</c>, <c>test.bin</c> of the official archive's
/// <c>cifar-100-binary</c> directory): records back to back, nothing else.
/// </summary>
public static class Cifar100File
{
    public const string TrainFile = "train.bin";
    public const string TestFile = "test.bin";

    /// <summary>Reads a whole file into one buffer and validates it; all or nothing.</summary>
    public static Cifar100Set Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new DataFileException($"{path}: file not found"); }
        catch (DirectoryNotFoundException) { throw new DataFileException($"{path}: file not found (no such directory)"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new DataFileException($"{path}: cannot read ({e.Message})", e); }
        return Cifar100Set.FromRecords(bytes, path);
    }

    /// <summary>
    /// Writes records to <paramref name="path"/> through a temporary file in the same directory and
    /// a rename, so a reader never sees a half-written file.
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> records)
    {
        if (records.Length == 0 || records.Length % Cifar100Set.RecordBytes != 0)
            throw new ArgumentException($"{records.Length} bytes is not a positive whole number of {Cifar100Set.RecordBytes}-byte records", nameof(records));
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                stream.Write(records);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Reads <c>train.bin</c> and <c>test.bin</c> of a CIFAR-100 binary directory.</summary>
    public static (Cifar100Set Train, Cifar100Set Test) ReadDirectory(string directory)
    {
        if (!Directory.Exists(directory)) throw new DataFileException($"{directory}: data directory not found (it should hold {TrainFile} and {TestFile})");
        return (Read(Path.Combine(directory, TrainFile)), Read(Path.Combine(directory, TestFile)));
    }
}
