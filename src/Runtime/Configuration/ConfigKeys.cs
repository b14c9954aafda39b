using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace SignActors.Runtime.Configuration;

/// <summary>
/// Refuses keys that reference.conf does not define, before anything starts: a misspelt key
/// would otherwise be silently ignored and the run would use the default. The message names the
/// key and the closest valid one. The <c>akka</c> section is Akka's own and passes through, and so
/// does <c>signactors.algorithm.plugin</c>, whose keys a plugin defines.
/// </summary>
public static class ConfigKeys
{
    public const string Root = "signactors";

    /// <summary>The free-form block of a plugin component's settings.</summary>
    public const string PluginBlock = "signactors.algorithm.plugin";

    /// <param name="extraRoots">Top-level sections a command reads itself (the experiment grid), passed through unchecked.</param>
    public static void Check(Config user, Config reference, params string[] extraRoots)
    {
        var known = Leaves(reference.Root).ToDictionary(l => l.Path, l => l.IsSection);
        var sections = Sections(reference.Root).ToHashSet();
        foreach (var (path, isSection) in Leaves(user.Root))
        {
            if (path == "akka" || path.StartsWith("akka.", StringComparison.Ordinal)) continue;
            if (path.StartsWith(PluginBlock + ".", StringComparison.Ordinal)) continue; // a plugin's own settings, which it reads itself
            if (extraRoots.Any(r => path == r || path.StartsWith(r + ".", StringComparison.Ordinal))) continue;
            if (known.TryGetValue(path, out bool referenceIsSection) && referenceIsSection == isSection) continue;
            if (sections.Contains(path)) throw new ConfigurationException($"{path} is a section; set the keys inside it");
            if (known.ContainsKey(path)) throw new ConfigurationException($"{path} is a single setting, not a section");
            string? closest = Closest(path, known.Keys);
            throw new ConfigurationException($"unknown key {path}" + (closest is null ? $"; valid keys are under {Root} (see reference.conf)" : $"; did you mean {closest}?"));
        }
    }

    /// <summary>
    /// The <paramref name="section"/> of <paramref name="config"/> as HOCON that loads back to the
    /// same values: nested blocks, every value a quoted string (our readers parse them).
    /// </summary>
    public static string Render(Config config, string section)
    {
        var text = new System.Text.StringBuilder();
        void Write(HoconValue value, string key, int depth)
        {
            string indent = new(' ', 2 * depth);
            if (value.IsObject())
            {
                text.Append(indent).Append(key).AppendLine(" {");
                foreach (var (k, child) in value.GetObject().Items) Write(child, k, depth + 1);
                text.Append(indent).AppendLine("}");
            }
            else text.Append(indent).Append(key).Append(" = ").AppendLine(Inline(value));
        }
        Write(config.GetValue(section), section, 0);
        return text.ToString();
    }

    /// <summary>A value on one line; Akka's HOCON reports an empty list as neither string, object nor array.</summary>
    public static string Inline(HoconValue value) =>
        value.IsObject() ? "{ " + string.Join(", ", value.GetObject().Items.Select(i => $"{i.Key} = {Inline(i.Value)}")) + " }"
        : value.IsString() ? Quote(value.GetString())
        : "[" + string.Join(", ", value.GetArray().Select(Inline)) + "]";

    static string Quote(string? s) => "\"" + (s ?? "").Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>Every leaf setting (and every empty section, as a section) with its full path.</summary>
    static IEnumerable<(string Path, bool IsSection)> Leaves(HoconValue value, string prefix = "")
    {
        if (!value.IsObject())
        {
            yield return (prefix, false);
            yield break;
        }
        var items = value.GetObject().Items;
        if (items.Count == 0 && prefix.Length > 0) yield return (prefix, true);
        foreach (var (key, child) in items)
            foreach (var leaf in Leaves(child, prefix.Length == 0 ? key : $"{prefix}.{key}"))
                yield return leaf;
    }

    static IEnumerable<string> Sections(HoconValue value, string prefix = "")
    {
        if (!value.IsObject()) yield break;
        if (prefix.Length > 0) yield return prefix;
        foreach (var (key, child) in value.GetObject().Items)
            foreach (var s in Sections(child, prefix.Length == 0 ? key : $"{prefix}.{key}"))
                yield return s;
    }

    /// <summary>Every leaf setting's full path in <paramref name="reference"/>.</summary>
    public static IReadOnlySet<string> SettingPaths(Config reference) => Leaves(reference.Root).Where(l => !l.IsSection).Select(l => l.Path).ToHashSet();

    /// <summary>The valid key nearest in edit distance, if it is near enough to be a misspelling.</summary>
    public static string? Closest(string path, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            int d = Distance(path, c);
            if (d < bestDistance) (best, bestDistance) = (c, d);
        }
        string lastSegment = path[(path.LastIndexOf('.') + 1)..];
        if (bestDistance <= Math.Max(2, lastSegment.Length / 2)) return best;
        // A truncated key ("mean" for "mean-ms") is a misspelling too.
        return candidates.Where(c => c.StartsWith(path, StringComparison.Ordinal)).OrderBy(c => c.Length).FirstOrDefault();
    }

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
