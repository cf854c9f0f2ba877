# One helper per target kind, so each module's CMakeLists states its sources and dependencies
# explicitly (no globbing) and the build refuses a lower layer reaching up to a higher one.

function(bitgoeul_layers)
  set(rank 0)
  foreach(layer IN LISTS ARGN)
    set_property(GLOBAL PROPERTY BITGOEUL_RANK_${layer} ${rank})
    math(EXPR rank "${rank} + 1")
  endforeach()
endfunction()

function(_bitgoeul_check_layer name deps)
  get_property(own GLOBAL PROPERTY BITGOEUL_RANK_${name})
  if("${own}" STREQUAL "")
    message(FATAL_ERROR "bitgoeul module '${name}' is not listed in bitgoeul_layers()")
  endif()
  foreach(dep IN LISTS deps)
    if(dep MATCHES "^bitgoeul_(.*)$")
      get_property(dep_rank GLOBAL PROPERTY BITGOEUL_RANK_${CMAKE_MATCH_1})
      if(dep_rank GREATER own)
        message(FATAL_ERROR "layering: module '${name}' must not depend on higher layer '${CMAKE_MATCH_1}'")
      endif()
    endif()
  endforeach()
endfunction()

# bitgoeul_library(NAME road SOURCES a.cpp ... DEPENDS bitgoeul_core ... [PRIVATE_DEPENDS ...])
# creates target bitgoeul_<NAME>; headers are included as "road/foo.h" from src/.
function(bitgoeul_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  _bitgoeul_check_layer(${ARG_NAME} "${ARG_DEPENDS};${ARG_PRIVATE_DEPENDS}")
  add_library(bitgoeul_${ARG_NAME} STATIC ${ARG_SOURCES})
  target_include_directories(bitgoeul_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(bitgoeul_${ARG_NAME} PUBLIC ${ARG_DEPENDS} PRIVATE ${ARG_PRIVATE_DEPENDS})
endfunction()

# bitgoeul_test(NAME road_test SOURCES x_test.cpp ... DEPENDS bitgoeul_road ... [SHARDS N])
# Unit tests live beside their code; each runs through CTest with the "unit" label. SHARDS splits a long test
# executable into N CTest tests (NAME_shard0..N-1, GoogleTest's sharding), so that `ctest -j` runs them side by side.
function(bitgoeul_test)
  cmake_parse_arguments(ARG "" "NAME;SHARDS" "SOURCES;DEPENDS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  # The tests' own files are mostly GoogleTest macros: optimising them hardly speeds a test up but takes about
  # half of their compile time; the code under test keeps the build type's optimisation.
  target_compile_options(${ARG_NAME} PRIVATE ${BITGOEUL_TEST_COMPILE_OPTIONS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPENDS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${ARG_NAME} PRIVATE
    BITGOEUL_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    BITGOEUL_SHARED_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data")
  if(ARG_SHARDS)
    math(EXPR last "${ARG_SHARDS} - 1")
    foreach(shard RANGE ${last})
      add_test(NAME ${ARG_NAME}_shard${shard} COMMAND ${ARG_NAME})
      # COST: a sharded executable is a long one, so ctest starts its shards first.
      set_tests_properties(${ARG_NAME}_shard${shard} PROPERTIES LABELS unit COST 1000
        ENVIRONMENT "GTEST_TOTAL_SHARDS=${ARG_SHARDS};GTEST_SHARD_INDEX=${shard}")
    endforeach()
  else()
    add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
    set_tests_properties(${ARG_NAME} PROPERTIES LABELS unit)
  endif()
endfunction()
