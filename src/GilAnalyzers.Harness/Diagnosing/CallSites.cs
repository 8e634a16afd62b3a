using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace GilAnalyzers.Harness.Diagnosing;

/// <summary>
/// Finds the IL offsets of the call instructions of a method, with the called method's name, by
/// decoding the method body of the user's assembly. The IL offset TraceEvent derives from a return
/// address is not always the call's own (optimised or on-stack-replaced code maps the address after
/// the call elsewhere); the call to the lock-taking method is where the program waited.
/// </summary>
internal sealed class CallSites : IDisposable
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private static readonly string[] LockMethods = { "Enter", "TryEnter", "ReliableEnter", "EnterScope", "Wait" };

    private readonly Dictionary<string, PEReader?> _modules = new(StringComparer.Ordinal);

    /// <summary>The IL offset of the call that took the lock: a call to <paramref name="calleeName"/> (or else to a Monitor/Lock enter method), the last one at or before <paramref name="ilOffset"/>; null when none is found.</summary>
    public int? LockCall(string modulePath, int methodToken, int ilOffset, string? calleeName)
    {
        List<(int Offset, string Type, string Name)> calls = Calls(modulePath, methodToken);
        var candidates = calleeName is null ? new List<(int Offset, string Type, string Name)>() : calls.Where(c => c.Name == calleeName).ToList();
        if (candidates.Count == 0)
        {
            candidates = calls.Where(c => (c.Type is "Monitor" or "Lock") && LockMethods.Contains(c.Name)).ToList();
        }

        if (candidates.Count == 0)
        {
            return null;
        }

        var before = candidates.Where(c => ilOffset >= 0 && c.Offset < ilOffset).ToList();
        return before.Count > 0 ? before[^1].Offset : candidates.Count == 1 ? candidates[0].Offset : null;
    }

    /// <summary>True for a [MethodImpl(Synchronized)] method: the JIT takes its lock in the prologue, before IL offset 0.</summary>
    public bool IsSynchronized(string modulePath, int methodToken)
    {
        PEReader? pe = Module(modulePath);
        if (pe is null || (methodToken >> 24) != 0x06)
        {
            return false;
        }

        try
        {
            MetadataReader md = pe.GetMetadataReader();
            MethodDefinition def = md.GetMethodDefinition(MetadataTokens.MethodDefinitionHandle(methodToken & 0xFFFFFF));
            return (def.ImplAttributes & MethodImplAttributes.Synchronized) != 0;
        }
        catch (Exception ex) when (ex is BadImageFormatException or ArgumentException)
        {
            return false;
        }
    }

    private List<(int Offset, string Type, string Name)> Calls(string modulePath, int methodToken)
    {
        var result = new List<(int, string, string)>();
        PEReader? pe = Module(modulePath);
        if (pe is null || (methodToken >> 24) != 0x06)
        {
            return result;
        }

        try
        {
            MetadataReader md = pe.GetMetadataReader();
            MethodDefinition def = md.GetMethodDefinition(MetadataTokens.MethodDefinitionHandle(methodToken & 0xFFFFFF));
            if (def.RelativeVirtualAddress == 0)
            {
                return result;
            }

            byte[] il = pe.GetMethodBody(def.RelativeVirtualAddress).GetILBytes() ?? Array.Empty<byte>();
            int i = 0;
            while (i < il.Length)
            {
                int start = i;
                short value = il[i] == 0xFE && i + 1 < il.Length ? (short)(0xFE00 | il[i + 1]) : il[i];
                i += il[i] == 0xFE ? 2 : 1;
                if (!OpCodesByValue.TryGetValue(value, out OpCode op))
                {
                    break;
                }

                int operand = op.OperandType switch
                {
                    OperandType.InlineNone => 0,
                    OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                    OperandType.InlineVar => 2,
                    OperandType.InlineI8 or OperandType.InlineR => 8,
                    OperandType.InlineSwitch => 4 + 4 * (int)BitConverter.ToUInt32(il, i),
                    _ => 4,
                };
                if ((op == OpCodes.Call || op == OpCodes.Callvirt) && i + 4 <= il.Length)
                {
                    var (type, name) = Target(md, BitConverter.ToInt32(il, i));
                    result.Add((start, type, name));
                }

                i += operand;
            }
        }
        catch (Exception ex) when (ex is BadImageFormatException or ArgumentException or InvalidOperationException)
        {
            result.Clear();
        }

        return result;
    }

    private static (string Type, string Name) Target(MetadataReader md, int token)
    {
        EntityHandle handle = MetadataTokens.EntityHandle(token);
        if (handle.Kind == HandleKind.MethodSpecification)
        {
            handle = md.GetMethodSpecification((MethodSpecificationHandle)handle).Method;
        }

        switch (handle.Kind)
        {
            case HandleKind.MemberReference:
                MemberReference mr = md.GetMemberReference((MemberReferenceHandle)handle);
                string type = mr.Parent.Kind == HandleKind.TypeReference ? md.GetString(md.GetTypeReference((TypeReferenceHandle)mr.Parent).Name)
                    : mr.Parent.Kind == HandleKind.TypeDefinition ? md.GetString(md.GetTypeDefinition((TypeDefinitionHandle)mr.Parent).Name) : "";
                return (type, md.GetString(mr.Name));
            case HandleKind.MethodDefinition:
                MethodDefinition d = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                return (md.GetString(md.GetTypeDefinition(d.GetDeclaringType()).Name), md.GetString(d.Name));
            default:
                return ("", "");
        }
    }

    private PEReader? Module(string path)
    {
        if (_modules.TryGetValue(path, out PEReader? pe))
        {
            return pe;
        }

        pe = null;
        if (path.Length > 0 && File.Exists(path))
        {
            try
            {
                pe = new PEReader(File.OpenRead(path));
                if (!pe.HasMetadata)
                {
                    pe.Dispose();
                    pe = null;
                }
            }
            catch (BadImageFormatException)
            {
                pe = null;
            }
        }

        _modules[path] = pe;
        return pe;
    }

    public void Dispose()
    {
        foreach (PEReader? pe in _modules.Values)
        {
            pe?.Dispose();
        }
    }
}
