"""One scenario in-process under pyinstrument: where a request's time goes,
without waitress, threads or other load in the picture.

    python -m benchmarks.profile pg-10k tickets_group_page [--requests 300]
    python -m benchmarks.profile pg-10k tickets_group_page --cpu
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*qsort*' \
        python -m benchmarks.profile pg-10k token_exchange --requests 200 --callgrind

Runs against a data set ``benchmarks.run`` has built (it builds it when
missing), through webtest, one request after another, and prints the
per-request time and pyinstrument's call tree. With ``--cpu``, no profiler:
the CPU time per request of this process and of its PostgreSQL backends,
the steadiest before/after figure on a busy machine. With ``--callgrind``,
under valgrind as above: the measured requests run inside libc's ``qsort``
(one comparison, a Python callback), so that callgrind, toggled by that
function, counts their instructions and none of the start-up's or warm-up's;
the count divided by ``--requests`` is a request's, the same whatever else
the machine runs (``PYTHONHASHSEED=0`` keeps it the same between runs too).
"""
import argparse
import ctypes
import time

from . import generate, run


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=sorted(run.DATASETS))
    parser.add_argument("scenario", choices=run.SCENARIO_NAMES)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--show-all", action="store_true",
                        help="keep library frames pyinstrument would hide")
    parser.add_argument("--cpu", action="store_true",
                        help="no profiler: print CPU ms per request (app and database)")
    parser.add_argument("--callgrind", action="store_true",
                        help="no profiler: run the measured requests inside libc's qsort, "
                        "for valgrind --tool=callgrind --toggle-collect='*qsort*'")
    args = parser.parse_args(argv)

    url = run.dataset_url(args.dataset)
    dataset, out_dir = run.prepare_dataset(args.dataset, url)
    generate.discard_exchanges(url, dataset)
    tokens_path = f"{out_dir}/tokens.tsv"
    scenario = next(s for s in run.SCENARIOS if s[0] == args.scenario)
    codes = [None] * (args.requests + 20)
    if args.scenario == "token_exchange":
        codes = generate.make_authorization_codes(
            url, dataset, args.requests + 20, f"{out_dir}/codes-profile.txt")
    app = run.InProcess(url)
    try:
        for code in codes[:20]:  # warm the caches
            status, size, statements = run.probe(app, scenario, tokens_path, dataset, code)
        if args.callgrind:
            in_qsort(lambda: [run.probe(app, scenario, tokens_path, dataset, code)
                              for code in codes[20:]])
            print(f"{args.scenario} on {args.dataset}: status {status}, {args.requests} "
                  "requests counted; "
                  "instructions per request = callgrind's total / that number")
            return
        if args.cpu:
            database = run.database_name(url)
            db_before = run.database_cpu_seconds(database)
            cpu_before = time.process_time()
            started = time.perf_counter()
            for code in codes[20:]:
                run.probe(app, scenario, tokens_path, dataset, code)
            took = time.perf_counter() - started
            app_cpu = time.process_time() - cpu_before
            db_after = run.database_cpu_seconds(database)
            db_cpu = sum(v - db_before.get(pid, 0.0) for pid, v in db_after.items())
        else:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001)
            started = time.perf_counter()
            profiler.start()
            for code in codes[20:]:
                run.probe(app, scenario, tokens_path, dataset, code)
            profiler.stop()
            took = time.perf_counter() - started
    finally:
        app.close()
    if args.cpu:
        n = args.requests
        print(f"{args.scenario} on {args.dataset}: status {status}, {statements} SQL "
              f"statements; per request: {1000 * took / n:.3f} ms wall, "
              f"{1000 * app_cpu / n:.3f} ms app CPU (webtest included), "
              f"{1000 * db_cpu / n:.3f} ms database CPU")
        return
    print(f"{args.scenario} on {args.dataset}: status {status}, {size} bytes, "
          f"{statements} SQL statements, {1000 * took / args.requests:.2f} ms per "
          f"request in-process (webtest, one thread, profiler on)")
    print(profiler.output_text(unicode=False, color=False, show_all=args.show_all))


def in_qsort(work):
    """Run ``work()`` as the comparison of a two-element ``qsort``: the one
    C function callgrind can be toggled by that nothing else calls here. An
    error in it is raised here (ctypes would print it and go on)."""
    libc = ctypes.CDLL(None)
    compare = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
    failed = []

    def once(a, b):
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - raised again below
            failed.append(exc)
        return 0

    pair = (ctypes.c_int * 2)(0, 1)
    libc.qsort(pair, 2, ctypes.sizeof(ctypes.c_int), compare(once))
    if failed:
        raise failed[0]


if __name__ == "__main__":
    main()
