#nullable disable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace BytecodeInterpreter
{
    enum Op : byte { Push, Load, Store, Add, Sub, Mul, Mod, Dup, Pop, Jnz, Halt }

    struct Instr
    {
        public Op Op;
        public int Arg;
        public Instr(Op op, int arg) { Op = op; Arg = arg; }
    }

    // Port of the old C "tvm" interpreter: one global machine, globals survive between runs
    // (scripts pass results to each other through slot 7, as the original batch files did).
    static class LegacyVm
    {
        public static readonly object VmGate = new object();
        static readonly int[] Stack = new int[256];
        static readonly int[] Globals = new int[16];
        static int Sp;
        public static long Steps;

        public static int Run(Instr[] code)
        {
            Sp = 0;
            int pc = 0;
            while (true)
            {
                Instr ins = code[pc++];
                Steps++;
                switch (ins.Op)
                {
                    case Op.Push: Stack[Sp++] = ins.Arg; break;
                    case Op.Load: Stack[Sp++] = Globals[ins.Arg]; break;
                    case Op.Store: Globals[ins.Arg] = Stack[--Sp]; break;
                    case Op.Add: Sp--; Stack[Sp - 1] = Stack[Sp - 1] + Stack[Sp]; break;
                    case Op.Sub: Sp--; Stack[Sp - 1] = Stack[Sp - 1] - Stack[Sp]; break;
                    case Op.Mul: Sp--; Stack[Sp - 1] = Stack[Sp - 1] * Stack[Sp]; break;
                    case Op.Mod: Sp--; Stack[Sp - 1] = ((Stack[Sp - 1] % Stack[Sp]) + Stack[Sp]) % Stack[Sp]; break;
                    case Op.Dup: Stack[Sp] = Stack[Sp - 1]; Sp++; break;
                    case Op.Pop: Sp--; break;
                    case Op.Jnz: if (Stack[--Sp] != 0) pc = ins.Arg; break;
                    case Op.Halt: Globals[7] = Sp > 0 ? Stack[Sp - 1] : 0; return Globals[7];
                }
            }
        }
    }

    static class Compiler
    {
        public static Instr[] Compile(string source)
        {
            var output = new List<Instr>();
            string[] tokens = source.Split(new[] { ' ', '\n', ';' }, StringSplitOptions.RemoveEmptyEntries);
            for (int i = 0; i < tokens.Length; i++)
            {
                Op op = (Op)Enum.Parse(typeof(Op), tokens[i], true);
                int arg = 0;
                if (op == Op.Push || op == Op.Load || op == Op.Store || op == Op.Jnz)
                    arg = int.Parse(tokens[++i], CultureInfo.InvariantCulture);
                // Peephole: PUSH a PUSH b ADD -> PUSH (a+b)
                int n = output.Count;
                if (op == Op.Add && n >= 2 && output[n - 1].Op == Op.Push && output[n - 2].Op == Op.Push)
                {
                    int folded = output[n - 2].Arg + output[n - 1].Arg;
                    output.RemoveRange(n - 2, 2);
                    output.Add(new Instr(Op.Push, folded));
                    continue;
                }
                output.Add(new Instr(op, arg));
            }
            return output.ToArray();
        }

        public static string Generate(int seed)
        {
            var rng = new Random(seed);
            var sb = new System.Text.StringBuilder();
            sb.Append("LOAD 7 STORE 1 PUSH ").Append(20000 + rng.Next(20000)).Append(" STORE 0\n");
            int loopStart = 4;
            sb.Append("LOAD 0 PUSH ").Append(3 + rng.Next(97)).Append(" MUL PUSH 1000003 MOD LOAD 1 ADD PUSH 999983 MOD STORE 1\n");
            sb.Append("LOAD 0 PUSH 1 SUB DUP STORE 0 JNZ ").Append(loopStart).Append('\n');
            for (int f = 0; f < 3000; f++)
                sb.Append("PUSH ").Append(rng.Next(100)).Append(" PUSH ").Append(rng.Next(100)).Append(" ADD POP\n");
            sb.Append("LOAD 1 HALT\n");
            return sb.ToString();
        }
    }

    class Program
    {
        static void Main()
        {
            const int scriptCount = 48;
            var compiled = new Instr[scriptCount][];

            using (var done = new CountdownEvent(scriptCount))
            {
                for (int s = 0; s < scriptCount; s++)
                {
                    ThreadPool.QueueUserWorkItem(state =>
                    {
                        int index = (int)state;
                        compiled[index] = Compiler.Compile(Compiler.Generate(1000 + index));
                        done.Signal();
                    }, s);
                }
                done.Wait();
            }

            var results = new int[scriptCount];
            var printGate = new object();
            Parallel.For(0, scriptCount, i =>
            {
                int value;
                lock (LegacyVm.VmGate)
                {
                    value = LegacyVm.Run(compiled[i]);
                }
                results[i] = value;
                lock (printGate)
                {
                    Console.WriteLine("script {0,2}: {1,8} instructions -> {2}", i, compiled[i].Length, value);
                }
            });

            long checksum = 0;
            foreach (int r in results) checksum = checksum * 31 + r;
            Console.WriteLine("vm steps: {0}, checksum {1}", LegacyVm.Steps, checksum);
        }
    }
}
