using System.Globalization;
using System.Numerics;
using Akka.Configuration;

namespace SignActors.Host.Configuration;

/// <summary>
/// Typed reads of one config section, where a value of the wrong type is a one-line
/// <see cref="ConfigurationException"/> naming the full key and what it accepts.
/// </summary>
public readonly struct SettingsReader(Config root, string section)
{
    public string Path(string key) => $"{section}.{key}";

    public string String(string key) => root.GetString(Path(key)) ?? throw Missing(key);

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

    public bool Bool(string key) => String(key) switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        var text => throw new ConfigurationException($"{Path(key)} = \"{text}\" is not one of on, off (true, false)"),
    };

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
