using System.Globalization;
using System.Numerics;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace SignActors.Runtime.Configuration;

/// <summary>
/// Typed reads of one config section, where a value of the wrong type is a one-line
/// <see cref="ConfigurationException"/> naming the full key and what it accepts.
/// </summary>
/// <param name="display">How the section is named in messages when it is not a path of <paramref name="root"/> (an array element).</param>
public readonly struct SettingsReader(Config root, string section, string? display = null)
{
    public string Path(string key) => $"{display ?? section}.{key}";

    public string String(string key) => root.GetString(Key(key)) ?? throw Missing(key);

    public bool Has(string key) => root.HasPath(Key(key));

    /// <summary>The raw value of <paramref name="key"/> (a block a component reads itself); null when absent.</summary>
    public HoconValue? Value(string key) => root.GetValue(Key(key));

    /// <summary>The key's path in <paramref name="root"/> (an array element's reader has no section).</summary>
    string Key(string key) => section.Length == 0 ? key : $"{section}.{key}";

    public int Int(string key, int min = int.MinValue, int max = int.MaxValue) => (int)Long(key, min, max);

    public long Long(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        string text = String(key);
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
            throw new ConfigurationException($"{Path(key)} = \"{text}\" is not a whole number");
        if (value < min || value > max) throw new ConfigurationException($"{Path(key)} = {value} is out of range: {Range(min, max)}");
        return value;
    }

    public double Double(string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        string text = String(key);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new ConfigurationException($"{Path(key)} = \"{text}\" is not a finite number");
        if (value < min || value > max) throw new ConfigurationException($"{Path(key)} = {value.ToString(CultureInfo.InvariantCulture)} is out of range: {Range(min, max)}");
        return value;
    }

    /// <summary>A list of whole numbers, <c>[0, 3]</c>.</summary>
    public int[] IntList(string key)
    {
        var value = root.GetValue(Key(key));
        string path = Path(key);
        if (value is null || !value.IsArray()) throw new ConfigurationException($"{path} must be a list of node ids, like [0, 3]");
        return value.GetArray().Select(v => int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int x)
            ? x : throw new ConfigurationException($"{path}: \"{v.GetString()}\" is not a whole number")).ToArray();
    }

    /// <summary>
    /// <paramref name="count"/> finite numbers: one number for all of them (<c>1.5</c>), or a list
    /// of exactly that many (<c>[1, 2.5]</c>).
    /// </summary>
    public double[] Doubles(string key, int count)
    {
        var value = root.GetValue(Key(key));
        if (value is null || !value.IsArray()) return Enumerable.Repeat(Double(key), count).ToArray();
        var items = value.GetArray();
        string path = Path(key);
        if (items.Count != count) throw new ConfigurationException($"{path} lists {items.Count} numbers; give one number or a list of {count}");
        return items.Select(v => double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x)
            ? x : throw new ConfigurationException($"{path}: \"{v.GetString()}\" is not a finite number")).ToArray();
    }

    public bool Bool(string key) => String(key) switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        var text => throw new ConfigurationException($"{Path(key)} = \"{text}\" is not one of on, off (true, false)"),
    };

    /// <summary>A kind, spelt as <paramref name="spelling"/> spells it.</summary>
    public T Enum<T>(string key, Training.Spelling<T> spelling) where T : struct, System.Enum
    {
        try { return spelling.Parse(String(key), Path(key)); }
        catch (FormatException e) { throw new ConfigurationException(e.Message); }
    }

    /// <summary>One of <paramref name="choices"/>, or a one-line error naming them.</summary>
    public string OneOf(string key, IReadOnlyCollection<string> choices) =>
        String(key) is var text && choices.Contains(text) ? text : throw new ConfigurationException($"{Path(key)} = \"{text}\" is not one of: {string.Join(", ", choices)}");

    /// <summary>
    /// A domain value's own rule (its <c>Validate</c> returns the problem, or null): the one way a
    /// setting's constraints reach the user, as "section: problem".
    /// </summary>
    public void Check(string? problem)
    {
        if (problem is not null) throw new ConfigurationException($"{display ?? section}: {problem}");
    }

    /// <summary>A whole number, or <paramref name="automatic"/> when the value is "auto".</summary>
    public int IntOrAuto(string key, int automatic, int min = 1, int max = int.MaxValue) =>
        String(key) == "auto" ? automatic : Int(key, min, max);

    ConfigurationException Missing(string key) => new($"{Path(key)} is missing (reference.conf defines it; was it set to null?)");

    static string Range<T>(T min, T max) where T : IComparable<T>, IMinMaxValue<T>
    {
        string Format(T x) => Convert.ToString(x, CultureInfo.InvariantCulture)!;
        if (min.CompareTo(T.MinValue) == 0) return $"≤ {Format(max)}";
        if (max.CompareTo(T.MaxValue) == 0) return $"≥ {Format(min)}";
        return $"{Format(min)}..{Format(max)}";
    }
}
