// Build-time compatibility patch for TorchSharp 0.107.0's native shim on older Linux hosts.
//
// libLibTorchSharp.so lists GLIBCXX_3.4.32 among its version needs, which Debian 12's
// libstdc++ (GCC 12) lacks, so dlopen fails. The only symbol of that version is
// _ZSt21ios_base_library_initv and nothing relocates against it, so marking that one
// version-need entry VER_FLG_WEAK lets the dynamic loader accept a libstdc++ without it.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory as the task that
// Directory.Build.targets runs after build and publish, and by the test project
// (with SIGNACTORS_TESTS defined) so the ELF logic is tested directly.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
#if !SIGNACTORS_TESTS
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace SignActors.Build
{
    /// <summary>One Vernaux entry of an ELF64 .gnu.version_r section.</summary>
    public readonly struct ElfVersionNeed
    {
        public ElfVersionNeed(string file, string name, ushort flags, long flagsOffset)
        {
            File = file; Name = name; Flags = flags; FlagsOffset = flagsOffset;
        }
        public string File { get; }
        public string Name { get; }
        public ushort Flags { get; }
        /// <summary>Byte offset of vna_flags in the file.</summary>
        public long FlagsOffset { get; }
        public bool IsWeak => (Flags & ElfVersionNeeds.VerFlagWeak) != 0;
    }

    /// <summary>Reads and edits the version-need table (SHT_GNU_verneed) of an ELF64 little-endian image.</summary>
    public static class ElfVersionNeeds
    {
        public const ushort VerFlagWeak = 0x2;
        const uint ShtGnuVerneed = 0x6ffffffe;

        public static List<ElfVersionNeed> List(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only ELF64 little-endian is supported");

            long shoff = (long)U64(elf, 0x28);
            int shentsize = U16(elf, 0x3A);
            int shnum = U16(elf, 0x3C);
            var result = new List<ElfVersionNeed>();
            for (int s = 0; s < shnum; s++)
            {
                long sh = shoff + (long)s * shentsize;
                if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
                long offset = (long)U64(elf, sh + 0x18);
                uint link = U32(elf, sh + 0x28);
                uint count = U32(elf, sh + 0x2C);
                long strtab = (long)U64(elf, shoff + (long)link * shentsize + 0x18);

                long vn = offset;
                for (uint i = 0; i < count; i++)
                {
                    int auxCount = U16(elf, vn + 2);
                    string file = CString(elf, strtab + U32(elf, vn + 4));
                    long aux = vn + U32(elf, vn + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        string name = CString(elf, strtab + U32(elf, aux + 8));
                        result.Add(new ElfVersionNeed(file, name, U16(elf, aux + 4), aux + 4));
                        uint nextAux = U32(elf, aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(elf, vn + 12);
                    if (next == 0) break;
                    vn += next;
                }
            }
            return result;
        }

        /// <summary>Sets or clears VER_FLG_WEAK on every need of <paramref name="version"/>; returns whether a byte changed.</summary>
        public static bool SetWeak(byte[] elf, string version, bool weak)
        {
            bool changed = false;
            foreach (var need in List(elf))
            {
                if (need.Name != version) continue;
                ushort flags = weak ? (ushort)(need.Flags | VerFlagWeak) : (ushort)(need.Flags & ~VerFlagWeak);
                if (flags == need.Flags) continue;
                elf[need.FlagsOffset] = (byte)flags;
                elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
                changed = true;
            }
            return changed;
        }

        /// <summary>Whether a shared library defines <paramref name="version"/> (searches its version strings).</summary>
        public static bool Defines(byte[] library, string version)
        {
            // A whole NUL-terminated string, not the tail of a longer one.
            // (Plain loops: MSBuild compiles this file against netstandard2.0, without spans.)
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            for (int at = 0; at + needle.Length <= library.Length; at++)
            {
                if (at > 0 && library[at - 1] != 0) continue;
                int i = 0;
                while (i < needle.Length && library[at + i] == needle[i]) i++;
                if (i == needle.Length) return true;
            }
            return false;
        }

        /// <summary>The libstdc++ the dynamic loader would pick on a typical x86_64 / arm64 Linux host.</summary>
        public static string? FindHostLibStdCxx()
        {
            string[] candidates =
            {
                "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
                "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            };
            foreach (var c in candidates)
                if (System.IO.File.Exists(c)) return c;
            return null;
        }

        /// <summary>
        /// Patches <paramref name="path"/> in place when the host libstdc++ lacks <paramref name="version"/>.
        /// Writes through a temporary file and a rename, so a hard link into the NuGet cache is never edited.
        /// Returns a one-line description of what happened.
        /// </summary>
        public static string PatchIfHostLacks(string path, string version, string? hostLibStdCxx)
        {
            if (hostLibStdCxx != null && Defines(System.IO.File.ReadAllBytes(hostLibStdCxx), version))
                return $"host {hostLibStdCxx} defines {version}; {Path.GetFileName(path)} left as shipped";
            byte[] elf = System.IO.File.ReadAllBytes(path);
            bool any = false;
            foreach (var n in List(elf)) any |= n.Name == version;
            if (!any) return $"{Path.GetFileName(path)} needs no {version}; nothing to do";
            if (!SetWeak(elf, version, weak: true))
                return $"{Path.GetFileName(path)}: {version} already weak";
            string tmp = path + ".patching";
            System.IO.File.WriteAllBytes(tmp, elf);
            System.IO.File.Delete(path); // unlink first: a hard link into the NuGet cache stays untouched
            System.IO.File.Move(tmp, path);
            return $"{Path.GetFileName(path)}: marked version need {version} weak (host libstdc++ lacks it)";
        }

        static ushort U16(byte[] b, long o) => (ushort)(b[o] | b[o + 1] << 8);
        static uint U32(byte[] b, long o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
        static ulong U64(byte[] b, long o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;
        static string CString(byte[] b, long o)
        {
            long end = o;
            while (end < b.Length && b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)o, (int)(end - o));
        }
    }

#if !SIGNACTORS_TESTS
    /// <summary>
    /// MSBuild task: patch every libLibTorchSharp.so under Directory when the host needs it, or
    /// always (a published folder runs on machines whose libstdc++ this one cannot know).
    /// </summary>
    public sealed class PatchLibTorchSharpGlibcxx : Task
    {
        [Required] public string Directory { get; set; } = "";
        public string Version { get; set; } = "GLIBCXX_3.4.32";
        public bool Always { get; set; }

        public override bool Execute()
        {
            if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux)
                || !System.IO.Directory.Exists(Directory)) return true;
            string? host = Always ? null : ElfVersionNeeds.FindHostLibStdCxx();
            foreach (var so in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                try
                {
                    Log.LogMessage(MessageImportance.Normal, "GlibcxxCompat: " + ElfVersionNeeds.PatchIfHostLacks(so, Version, host));
                }
                catch (Exception e)
                {
                    Log.LogError($"GlibcxxCompat: cannot patch {so}: {e.Message}");
                    return false;
                }
            }
            return true;
        }
    }
#endif
}
