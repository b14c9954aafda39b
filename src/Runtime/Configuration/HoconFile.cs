using System.Text;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace SignActors.Runtime.Configuration;

/// <summary>
/// A user's HOCON file as users write it: <c>include "f"</c>, <c>include required("f")</c> and
/// <c>include file("f")</c> resolve relative to the including file (every include is required:
/// a missing one is an error, not a silent nothing). The text is checked before Akka's parser sees
/// it — that parser accepts a stray <c>}</c> and loops without end on an unclosed <c>[</c> — so a
/// syntax error is one line naming the file and line.
/// </summary>
public static class HoconFile
{
    public static Config Load(string path) => new(Parse(Path.GetFullPath(path), new List<string>()));

    static HoconRoot Parse(string path, List<string> including)
    {
        if (including.Contains(path)) throw new ConfigurationException($"{including[^1]}: includes {path}, which includes it back");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ConfigurationException($"{path}: cannot be read: {e.Message}"); }
        string checkedText = Check(text, path);
        including.Add(path);
        try { return Parser.Parse(checkedText, name => Parse(name, including)); }
        catch (Exception e) when (e is not ConfigurationException) { throw new ConfigurationException(Located(path, checkedText, e.Message)); }
        finally { including.RemoveAt(including.Count - 1); }
    }

    /// <summary>
    /// Checks strings, comments and brackets line by line, and rewrites each include to the absolute
    /// path of an existing file; the first problem is a <see cref="ConfigurationException"/> "file:line: what".
    /// </summary>
    public static string Check(string text, string path)
    {
        var output = new StringBuilder(text.Length);
        var open = new Stack<(char Bracket, int Line)>();
        int line = 1, i = 0;
        ConfigurationException Error(int at, string what) => new($"{path}:{at}: {what}");
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\n') line++;
            if (c == '#' || (c == '/' && At(text, i, "//")))
            {
                int end = text.IndexOf('\n', i);
                end = end < 0 ? text.Length : end;
                output.Append(text, i, end - i);
                i = end;
                continue;
            }
            if (At(text, i, "\"\"\""))
            {
                int end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                if (end < 0) throw Error(line, "a \"\"\" string is never closed");
                end += 3;
                while (end < text.Length && text[end] == '"') end++;
                line += text.AsSpan(i, end - i).Count('\n');
                output.Append(text, i, end - i);
                i = end;
                continue;
            }
            if (c == '"')
            {
                int end = ClosingQuote(text, i) ?? throw Error(line, "a quoted string is not closed on its line");
                output.Append(text, i, end + 1 - i);
                i = end + 1;
                continue;
            }
            if (StartsWord(text, i, "include"))
            {
                int consumed = Include(text, i, path, line, out string target);
                output.Append("include \"").Append(target.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
                i += consumed;
                continue;
            }
            if (c is '{' or '[') open.Push((c, line));
            else if (c is '}' or ']')
            {
                char expected = c == '}' ? '{' : '[';
                if (open.Count == 0) throw Error(line, $"'{c}' closes nothing");
                var (bracket, openedAt) = open.Pop();
                if (bracket != expected) throw Error(line, $"'{c}' closes the '{bracket}' opened at line {openedAt}");
                // A comma after an object value separates fields (HOCON); Akka's parser refuses it, and
                // a blank separates them as well. In an array the comma separates elements: it stays.
                int next = SkipBlanks(text, i + 1);
                if (c == '}' && (open.Count == 0 || open.Peek().Bracket == '{') && next < text.Length && text[next] == ',')
                {
                    output.Append(c).Append(text, i + 1, next - i - 1).Append(' ');
                    i = next + 1;
                    continue;
                }
            }
            output.Append(c);
            i++;
        }
        if (open.Count > 0) throw Error(open.Peek().Line, $"'{open.Peek().Bracket}' is never closed");
        return output.ToString();
    }

    /// <summary>Reads <c>include "f"</c> / <c>include required("f")</c> / <c>include file("f")</c> at <paramref name="at"/>; returns the characters it spans.</summary>
    static int Include(string text, int at, string path, int line, out string target)
    {
        int i = SkipBlanks(text, at + "include".Length);
        int wrappers = 0;
        foreach (var word in new[] { "required", "file" })
            if (StartsWord(text, i, word) && SkipBlanks(text, i + word.Length) is int paren && paren < text.Length && text[paren] == '(')
            {
                i = SkipBlanks(text, paren + 1);
                wrappers++;
            }
        int? close = i < text.Length && text[i] == '"' ? ClosingQuote(text, i) : null;
        if (close is null) throw new ConfigurationException($"{path}:{line}: include takes a quoted file name: include \"base.conf\" or include required(\"base.conf\")");
        string name = text[(i + 1)..close.Value].Replace("\\\"", "\"");
        i = close.Value + 1;
        for (int k = 0; k < wrappers; k++)
        {
            i = SkipBlanks(text, i);
            if (i >= text.Length || text[i] != ')') throw new ConfigurationException($"{path}:{line}: include {name}: a ')' is missing");
            i++;
        }
        target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, name));
        if (!File.Exists(target)) throw new ConfigurationException($"{path}:{line}: included file {target} does not exist");
        return i - at;
    }

    static int? ClosingQuote(string text, int open)
    {
        for (int i = open + 1; i < text.Length && text[i] != '\n'; i++)
        {
            if (text[i] == '\\') i++;
            else if (text[i] == '"') return i;
        }
        return null;
    }

    static bool At(string text, int i, string s) => string.CompareOrdinal(text, i, s, 0, s.Length) == 0;

    /// <summary><paramref name="word"/> at <paramref name="i"/> as a whole word at the start of a key position.</summary>
    static bool StartsWord(string text, int i, string word) =>
        At(text, i, word) && (i == 0 || !IsKeyChar(text[i - 1])) && (i + word.Length >= text.Length || !IsKeyChar(text[i + word.Length]));

    static bool IsKeyChar(char c) => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '"';

    static int SkipBlanks(string text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t') i++;
        return i;
    }

    /// <summary>
    /// Akka's parse error as "file:line:column: what": its "at position p" (an index into the
    /// checked text, which keeps the file's lines) becomes a line and column, and an unknown token
    /// says what it is and what could stand there.
    /// </summary>
    internal static string Located(string path, string text, string message)
    {
        string reason = OneLine(message);
        var match = System.Text.RegularExpressions.Regex.Match(reason, @"^(.*?) at position (\d+)");
        if (!match.Success || !int.TryParse(match.Groups[2].Value, out int position) || position > text.Length) return $"{path}: not valid HOCON: {reason}";
        int line = 1 + text.AsSpan(0, position).Count('\n');
        int column = position - (text.LastIndexOf('\n', Math.Max(0, position - 1)) + 1) + 1;
        if (position > 0 && text[position - 1] == '\n') column = 1;
        string what = match.Groups[1].Value.Trim();
        if (what.StartsWith("Unknown token", StringComparison.Ordinal) && position < text.Length)
            what = $"unexpected '{text[position]}' where a key, a value or a closing bracket belongs";
        return $"{path}:{line}:{column}: not valid HOCON: {what}";
    }

    static string OneLine(string message) => string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
